"""chatshop: a chat shop bot for small social sellers."""

__version__ = "0.1.0"
