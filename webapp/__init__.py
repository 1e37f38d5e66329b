"""Web interface, JSON API, store and CLI: thin adapters over ``sufficiency`` and ``matching``."""
