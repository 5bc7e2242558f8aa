"""Optional dependencies of the AI backends, imported only when a backend is chosen."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured


def require(module: str, install: str) -> ModuleType:
    """Import ``module`` or fail with the one line that says how to install it.

    ``install`` is what follows ``pip install``: ``"'tapecut[openai]'"`` for an extra.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"The {module!r} package is missing: pip install {install} ({exc})"
        ) from exc
