"""Shapes and their areas."""
from typing import Protocol

from pkg import geometry


class Shape(Protocol):
    """Anything with an area."""

    def area(self) -> float: ...


class Square:
    def __init__(self, side):
        self.side = side

    def area(self):
        return geometry.scale(self.side * self.side)


class Cube(Square):
    @property
    def volume(self):
        return self.area() * self.side

    @staticmethod
    def describe():
        return "cube"


class Circle(Shape):
    def area(self):
        return geometry.scale(3)
