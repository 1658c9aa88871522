"""Long commands one at a time: a second ``pds import`` or ``pds export`` while one runs
in the same process (the server, which runs every client's command) is refused with
``AlreadyRunning``, not queued and not run side by side."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pds.errors import AlreadyRunning

_running: set[str] = set()
_lock = threading.Lock()


@contextmanager
def one_at_a_time(family: str) -> Iterator[None]:
    """Run the block unless a command of ``family`` (``"import"``, ``"export"``) runs."""
    with _lock:
        if family in _running:
            raise AlreadyRunning(
                f"a `pds {family}` is already running on this store: wait for it to end"
            )
        _running.add(family)
    try:
        yield
    finally:
        with _lock:
            _running.discard(family)
