"""Pause Python's cyclic garbage collector around work that only creates long-lived objects.

Unlocking a store and bulk inserts make hundreds of thousands of objects that all
stay alive (index entries, cached records). A cyclic GC pass every few thousand
allocations would only re-scan them; measured, it costs up to half the time.

The collector is process-wide: pausing it in one thread pauses it for every thread.
So only threads that own the process's work may: the main thread (the command line, and
the server while it starts, before any request) and the threads the runtime starts for
its background work, which say so with ``gc_pauses_allowed``. Anywhere else, a request
thread above all, ``paused_gc`` pauses nothing: a request never changes how the whole
process collects its garbage (see ``docs/architecture.md``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_owner = threading.local()  # .allowed: this thread was started by the runtime for its work


def freeze_survivors() -> None:
    """Move every object alive now out of the GC's sight (``gc.freeze``).

    Called once a store is unlocked: its indexes are millions of acyclic objects that
    live as long as the store and are freed by reference counting; left in the
    tracked generations, each full collection re-scans them all (about a second at
    1M records, a visible stall in the middle of a request).
    """
    gc.freeze()


def may_pause_gc() -> bool:
    """Whether this thread may pause the collector: the main thread, or a thread inside
    ``gc_pauses_allowed``."""
    return threading.current_thread() is threading.main_thread() or getattr(
        _owner, "allowed", False
    )


@contextmanager
def gc_pauses_allowed() -> Iterator[None]:
    """Let ``paused_gc`` pause the collector in this thread (a worker the runtime owns)."""
    before = getattr(_owner, "allowed", False)
    _owner.allowed = True
    try:
        yield
    finally:
        _owner.allowed = before


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection while the block runs, where this thread may say so (see
    ``may_pause_gc``); elsewhere the block runs as it is."""
    if not may_pause_gc():
        yield
        return
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
