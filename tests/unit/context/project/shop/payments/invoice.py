"""Invoices for paid orders."""
from shop.cart.cart import ShoppingCart


def render_invoice(cart: ShoppingCart, number: int) -> str:
    """Formats an invoice for the cart's items and total."""
    lines = [f"Invoice {number}"]
    for item in cart.items:
        lines.append(f"{item.sku} x{item.quantity}")
    lines.append(f"Total: {cart.total()}")
    return "\n".join(lines)
