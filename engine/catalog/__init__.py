"""The product catalog (imported from the shop) used by carts and recommendations."""
