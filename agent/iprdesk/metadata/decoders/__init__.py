"""Readers for the metadata blocks formats share: EXIF, XMP, IPTC/Photoshop, ICC profiles."""
