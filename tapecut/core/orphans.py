"""Child processes that end with their parent, never left behind as orphans.

On Linux the kernel sends a child a signal of its choice when its parent exits
(``PR_SET_PDEATHSIG``), however the parent ends, SIGKILL included. Used by gunicorn's workers,
the processes ``tapecut run`` supervises and the import's parsing helper.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int, signum: int = signal.SIGKILL) -> None:
    """Ask for ``signum`` when the parent exits; exit now if it is already gone.

    Call it in the child, first thing (between fork and exec, or as a pool's initializer)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the request above took effect
