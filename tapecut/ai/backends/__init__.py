"""AI backends, one module each; choose them by dotted path (see tapecut.ai.registry)."""
