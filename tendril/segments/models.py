"""segments's tables."""
