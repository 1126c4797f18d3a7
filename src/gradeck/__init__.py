"""gradeck: study neural-network fundamentals in the terminal."""

__version__ = "0.1.0"
