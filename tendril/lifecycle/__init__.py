"""Lifecycle: the rules that move contacts along the stages, the buying-stage dimensions (B2B
and B2C) and the personas that travel them."""
