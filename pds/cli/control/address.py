"""Where the control socket is: ``control.sock`` in the store directory.

A Unix socket's address is at most 107 bytes, shorter than many store paths; the
socket is bound and reached through an open descriptor of the directory instead
(``/proc/self/fd/N/control.sock``, Linux), which names the same file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SOCKET_NAME = "control.sock"


@contextmanager
def socket_address(home: Path) -> Iterator[str]:
    """An address of ``home/control.sock`` that fits a Unix socket, while the block runs."""
    fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{SOCKET_NAME}"
    finally:
        os.close(fd)
