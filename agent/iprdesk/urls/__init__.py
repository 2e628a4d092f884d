"""Image addresses: whether an old CDN URL still serves the picture, watching it, recording it."""
