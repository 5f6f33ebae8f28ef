"""Geometry helpers: scaling and classification of sizes."""
from pkg import shapes


def scale(value):
    """Scale a size for display."""
    return value * 2 if classify(value) else value


def classify(value):
    """Classify a size into a band."""
    if value < 0:
        return "negative"
    elif value == 0:
        return "zero"
    elif value < 1:
        return "tiny"
    elif value < 10:
        return "small"
    elif value < 100:
        return "medium"
    elif value < 1000:
        return "large"
    for limit in (10000, 100000):
        if value < limit:
            return "huge"
    while value > 1 and value % 2 == 0:
        value //= 2
    return "enormous" if value > 1 else "power"


def unused_helper():
    return shapes.Square(1)
