"""One handler per image format behind base.FormatHandler; the registry picks one by content."""
