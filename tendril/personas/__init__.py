"""Personas and buying stages: who the ideal customers are, the stage dimension they move
through (the B2B eight stages, the B2C funnel), and where each contact stands on it."""
