"""Picture comparison: perceptual fingerprints, and the badges a product page shows for them."""
