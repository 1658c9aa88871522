"""Building a new store to replace the records and audit log of an open one (see ``swap``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pds.store import swap
from pds.store.audit import AuditLog
from pds.store.fs import fsync_dir
from pds.store.lock import ProcessLock
from pds.store.state import AUDIT_DIR, DATA_DIR
from pds.store.store import Store


@contextmanager
def replacing(store: Store) -> Iterator[Store]:
    """A new, empty store beside ``store``, under the same keys and collections.

    When the block ends without error, its records and audit log replace those of
    ``store`` in one crash-safe step and ``store`` reloads; on error it is removed
    and ``store`` is as it was. ``store`` stays locked throughout.
    """
    home = store.home
    swap.discard(home)
    scratch = swap.scratch_dir(home)
    scratch.mkdir()
    for name in (DATA_DIR, AUDIT_DIR):
        (scratch / name).mkdir()
    fsync_dir(scratch)
    fsync_dir(home)
    vault = store.vault.moved_to(scratch)
    lock = ProcessLock(scratch)
    lock.acquire()
    replacement = Store(
        scratch,
        vault,
        lock,
        [collection.spec for collection in store.collections.values()],
        store.shard_capacity,
        store.cache_capacity,
        store.batch_records,
        store.checkpoint_records,
        store.close_checkpoint_records,
    )
    replacement.audit = AuditLog(scratch / AUDIT_DIR, vault)
    try:
        replacement._load()
        yield replacement
        replacement.close()
        for collection in replacement.collections.values():
            collection.reset()  # its index: freed before ``store`` loads the same records
    except BaseException:
        replacement.abandon()
        swap.discard(home)
        raise
    with store.reading():  # held: no snapshot or reader sees the files half swapped
        swap.commit(home)
        store.reload()
