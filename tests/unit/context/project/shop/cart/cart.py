"""The shopping cart."""
from shop.cart.pricing import apply_discount, compute_tax


class CartItem:
    """One line of the cart."""

    def __init__(self, sku: str, price: float, quantity: int):
        self.sku = sku
        self.price = price
        self.quantity = quantity


class ShoppingCart:
    """Items a customer intends to buy."""

    def __init__(self):
        self.items = []

    def add_item(self, item: CartItem) -> None:
        self.items.append(item)

    def remove_item(self, sku: str) -> None:
        self.items = [item for item in self.items if item.sku != sku]

    def total(self, discount_code: str = "") -> float:
        """Sum of the items after discount, with tax."""
        subtotal = sum(item.price * item.quantity for item in self.items)
        return compute_tax(apply_discount(subtotal, discount_code))
