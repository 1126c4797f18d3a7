"""Deck files: reading, validating and turning them into review items."""
