"""The Merchant Panel as it really is: the page map and its local additions."""
