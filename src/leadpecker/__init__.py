"""leadpecker: a self-hosted, wire-compatible Woodpecker.co prospect API."""

__version__ = "0.1.0"
