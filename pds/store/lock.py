"""One process at a time: an exclusive ``flock`` on ``store.lock`` while a store is open.

A second process waits up to ``timeout`` seconds, then fails with a message that
names the process holding the store.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from pds.errors import StoreLocked

LOCK_NAME = "store.lock"


class ProcessLock:
    def __init__(self, home: Path) -> None:
        self.path = home / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, timeout: float = 0.0) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
                    os.close(fd)
                    raise StoreLocked(
                        f"the store at {self.path.parent} is in use by another pds process "
                        f"(pid {holder}); stop it or try again",
                        {"pid": holder},
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
