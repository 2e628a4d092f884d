"""Fuzz targets: every module here registers its own (see `tests.fuzz`)."""
