"""crisis-tui: the crisis cell's offline board."""

__version__ = "0.1.0"
