from pkg.geometry import classify, scale
from pkg.shapes import Square


def main():
    print(run(2))


def run(n):
    return scale(Square(n).area()) + classify(n)


def test_run():
    assert run(1)
