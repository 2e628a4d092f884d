"""User-facing text: the shared messages, translated lookups, the shared data both sides read."""
