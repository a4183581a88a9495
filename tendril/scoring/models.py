"""scoring's tables."""
