"""Prices: discounts and taxes."""

TAX_RATE = 0.2
DISCOUNT_CODES = {"WELCOME": 0.1}


def apply_discount(price: float, code: str) -> float:
    """Reduces a price by the discount a promotion code grants."""
    rate = DISCOUNT_CODES.get(code, 0.0)
    return price * (1 - rate)


def compute_tax(price: float) -> float:
    """Adds value added tax to a price."""
    return price * (1 + TAX_RATE)
