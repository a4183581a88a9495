"""Tendril: self-hosted marketing automation."""
