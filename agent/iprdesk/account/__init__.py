"""The store's standing with Joom, as the Merchant Panel's account pages show it."""
