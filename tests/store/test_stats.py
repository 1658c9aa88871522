"""``Store.stats`` while other threads write: a file that goes away between listing the
store's directory and reading its size (the temp file of an atomic write) is no error."""

from __future__ import annotations

import threading
import time

from pds.store import Store


def test_stats_while_the_audit_log_is_written(store: Store) -> None:
    stop = threading.Event()

    def append() -> None:
        while not stop.is_set():
            store.audit.append({"action": "api.call"})  # each rewrites the head atomically

    writer = threading.Thread(target=append)
    writer.start()
    try:
        deadline = time.monotonic() + 2
        calls = 0
        while time.monotonic() < deadline:
            stats = store.stats()
            calls += 1
    finally:
        stop.set()
        writer.join()
    assert calls > 10 and stats.files > 0 and stats.audit_entries > 0
