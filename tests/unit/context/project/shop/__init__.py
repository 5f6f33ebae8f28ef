"""A small shop: accounts, a cart, payments and storage."""
