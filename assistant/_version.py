"""The single place the version lives, read by the CLI and packaging metadata alike."""

__version__ = "0.1.0"
