"""Tapecut: an anti-bureaucracy mailbox."""

__version__ = "0.1.0"
