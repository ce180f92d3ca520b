"""The engine version stamped on every result."""

__version__ = "0.1.0"
