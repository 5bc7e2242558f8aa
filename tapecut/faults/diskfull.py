"""A message store on a disk that fills up: a small tmpfs, or else a simulated one.

As root with the right to mount (CI), the store folder becomes a tmpfs of a few hundred KB: the
kernel itself answers ENOSPC. Elsewhere the store's view of ``os`` is replaced by one whose files
write until a byte budget is spent, then write part of the data and raise ENOSPC, as a full
disk does. Either way ``grow`` makes room again without restarting anything.
"""

from __future__ import annotations

import errno
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

MOUNT = "/bin/mount"
UMOUNT = "/bin/umount"


@contextmanager
def full_disk(
    folder: Path, size: int, *, tmpfs: bool = True
) -> Iterator[tuple[str, Callable[[int], None]]]:
    """Make ``folder`` a disk of ``size`` bytes; yield how ("tmpfs"/"simulated") and ``grow``.

    ``grow(new_size)`` gives the disk a new total size. ``tmpfs=False`` always simulates.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if tmpfs and _mount(folder, f"size={size}"):
        try:
            yield "tmpfs", lambda new_size: _remount(folder, new_size)
        finally:
            subprocess.run([UMOUNT, str(folder)], check=False, capture_output=True)  # noqa: S603
        return
    budget = _Budget(size)
    with mock.patch("tapecut.core.storage.os", _LimitedOs(budget)):
        yield "simulated", budget.grow


def _mount(folder: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    result = subprocess.run(  # noqa: S603 - a fixed command on a folder of the test's own
        [MOUNT, "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        check=False,
        capture_output=True,
    )
    return result.returncode == 0


def _remount(folder: Path, size: int) -> None:
    subprocess.run(  # noqa: S603 - a fixed command on a folder of the test's own
        [MOUNT, "-o", f"remount,size={size}", str(folder)], check=True, capture_output=True
    )


class _Budget:
    """Bytes written so far against the disk's size (files are never given back: enough here)."""

    def __init__(self, size: int) -> None:
        self.size, self.used = size, 0
        self.lock = threading.Lock()

    def take(self, wanted: int) -> int:
        with self.lock:
            granted = max(0, min(wanted, self.size - self.used))
            self.used += granted
            return granted

    def grow(self, size: int) -> None:
        with self.lock:
            self.size = size


class _LimitedOs:
    """``os`` as the store sees it: everything real except files opened with ``fdopen``."""

    def __init__(self, budget: _Budget) -> None:
        self._budget = budget

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def fdopen(self, fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> _LimitedFile:
        return _LimitedFile(os.fdopen(fd, mode, *args, **kwargs), self._budget)


class _LimitedFile:
    def __init__(self, real: Any, budget: _Budget) -> None:
        self._real, self._budget = real, budget

    def write(self, data: bytes) -> int:
        granted = self._budget.take(len(data))
        self._real.write(data[:granted])
        if granted < len(data):
            self._real.flush()  # what did fit really is on the disk, as with a real full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return granted

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> _LimitedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()
