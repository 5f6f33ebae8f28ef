"""Tests of the cart."""
from shop.cart.cart import CartItem, ShoppingCart


def test_cart_total_applies_discount():
    cart = ShoppingCart()
    cart.add_item(CartItem("sku", 10.0, 2))
    assert cart.total("WELCOME") > 0
