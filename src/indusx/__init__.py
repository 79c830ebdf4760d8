"""INDUS-X: the India-US defence innovation ecosystem platform."""

__version__ = "0.1.0"
