"""Joom's Merchant API: the client and the products it returns."""
