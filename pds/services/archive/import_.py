"""Putting an archive back: a full restore into a new store, or a merge by id.

Both refuse an archive with anything wrong in it before the store changes:

- **restore** builds a complete new store beside the target (same keys) while it
  checks the archive, and only when everything checked out swaps it in, in one
  crash-safe step (``pds.store.replacement``). The target must hold no records but
  the secrets ``pds init`` makes; those it keeps unless the archive carries its own.
  The audit log becomes the archive's (its chain intact), plus one restore entry.
- **merge** reads the whole archive once to check it, then applies it by id in
  transactions of a batch each: a record the store lacks is added; one it holds
  unchanged is left; one that differs is replaced only if the archive's
  ``updated_at`` is later (otherwise the store's is kept). Secret collections are
  never merged. Merging the same archive again changes nothing, not even the audit
  log: the merge entry is written only when something changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pds.errors import Conflict, ValidationFailed
from pds.services.archive import manifest as m
from pds.services.archive.export import Progress
from pds.services.archive.policy import policy_of
from pds.services.archive.reader import MAX_UNPACKED, ArchiveReader, refused
from pds.store import Collection, Store
from pds.store.replacement import replacing

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"


@dataclass
class ImportReport:
    mode: str  # "restore" or "merge"
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # collection -> outcome -> n
    skipped: dict[str, str] = field(default_factory=dict)  # collection -> why
    audit_entries: int = 0

    def add(self, collection: str, outcome: str, count: int = 1) -> None:
        outcomes = self.counts.setdefault(collection, {})
        outcomes[outcome] = outcomes.get(outcome, 0) + count

    @property
    def changed(self) -> int:
        return sum(o.get(CREATED, 0) + o.get(UPDATED, 0) for o in self.counts.values())

    def summary(self) -> str:
        lines = [f"{self.mode}: {self.changed} records written"]
        for name, outcomes in sorted(self.counts.items()):
            said = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()) if n)
            if said:
                lines.append(f"  {name:<14} {said}")
        for name, why in sorted(self.skipped.items()):
            lines.append(f"  {name:<14} skipped ({why})")
        if self.mode == "restore":
            lines.append(f"  audit log      {self.audit_entries} entries, chain intact")
        return "\n".join(lines)


Report = Callable[[Progress], None]


class _Counter:
    def __init__(self, total: int, progress: Report | None) -> None:
        self.done, self.total, self._progress = 0, total, progress

    def step(self, count: int, member: str) -> None:
        self.done += count
        if self._progress is not None:
            self._progress(Progress(self.done, self.total, member))


def _collections(store: Store, reader: ArchiveReader) -> dict[str, Collection]:
    """The store's collection for each collection in the archive (refused if unknown)."""
    found = {}
    for name in sorted(reader.manifest.collections):
        if name not in store.collections:
            raise refused(m.data_name(name), f"this pds keeps no collection {name!r}")
        found[name] = store.collection(name)
    return found


def _check_other_members(reader: ArchiveReader) -> None:
    for name in sorted(reader.manifest.files):
        if not name.startswith("data/") and name != m.AUDIT:
            reader.check(name)


def restore(
    store: Store,
    path: Path,
    passphrase: str | None = None,
    progress: Report | None = None,
    *,
    max_unpacked: int = MAX_UNPACKED,
) -> ImportReport:
    """Restore the archive at ``path`` into ``store``, which must be new (see module doc);
    one that unpacks to more than ``max_unpacked`` bytes is refused."""
    with ArchiveReader(path, passphrase, max_unpacked) as reader:
        targets = _collections(store, reader)
        _require_new(store)
        manifest = reader.manifest
        total = sum(e.count for e in manifest.collections.values()) + manifest.audit_entries
        counter = _Counter(total, progress)
        report = ImportReport("restore")
        _check_other_members(reader)
        with replacing(store) as fresh:
            for name, collection in targets.items():
                report.add(name, CREATED, 0)
                into = fresh.collection(name)
                for batch in reader.records(name, collection.spec):
                    _insert_new(into, batch, m.data_name(name))
                    report.add(name, CREATED, len(batch))
                    counter.step(len(batch), m.data_name(name))
            for name, collection in sorted(store.collections.items()):
                if name not in targets:  # left out of the archive: the store's own stay
                    _copy(collection, fresh.collection(name))
            report.audit_entries = fresh.audit.adopt(_counted(reader.audit(), counter))
            restored = sum(e.count for e in manifest.collections.values())
            fresh.audit.append({"actor": "owner", "action": "archive.restore", "count": restored})
    return report


def _counted(entries: Iterator[bytes], counter: _Counter) -> Iterator[bytes]:
    done = 0
    for entry in entries:
        yield entry
        done += 1
        if done % 1000 == 0:
            counter.step(1000, m.AUDIT)
    counter.step(done % 1000, m.AUDIT)


def _require_new(store: Store) -> None:
    held = {
        name: len(collection)
        for name, collection in sorted(store.collections.items())
        if len(collection) and not policy_of(name).secret
    }
    if held:
        said = ", ".join(f"{name}: {count}" for name, count in held.items())
        raise Conflict(
            f"the store already holds records ({said}); restore into a new store "
            "(pds init) or merge with --merge",
            {"counts": held},
        )


def _insert_new(collection: Collection, batch: list[dict[str, Any]], where: str) -> None:
    try:
        collection.insert_many(batch)
    except Conflict as exc:
        raise refused(where, f"a record's id comes twice ({exc.details.get('id')})") from None
    except ValidationFailed as exc:
        raise refused(where, f"a record cannot be stored: {exc.message}") from None


def _copy(source: Collection, target: Collection) -> None:
    batch: list[dict[str, Any]] = []
    for record in source.scan_ordered():
        batch.append(record)
        if len(batch) == 1000:
            target.insert_many(batch)
            batch = []
    target.insert_many(batch)


def merge(
    store: Store,
    path: Path,
    passphrase: str | None = None,
    progress: Report | None = None,
    *,
    max_unpacked: int = MAX_UNPACKED,
) -> ImportReport:
    """Merge the archive at ``path`` into ``store`` by id (see module doc); one that
    unpacks to more than ``max_unpacked`` bytes is refused."""
    with ArchiveReader(path, passphrase, max_unpacked) as reader:
        targets = _collections(store, reader)
        manifest = reader.manifest
        records = sum(e.count for e in manifest.collections.values())
        counter = _Counter(2 * records + manifest.audit_entries, progress)
        report = ImportReport("merge")
        _check_other_members(reader)
        for name, collection in targets.items():  # first, check it all
            for batch in reader.records(name, collection.spec, unique=True):
                counter.step(len(batch), m.data_name(name))
        for _ in _counted(reader.audit(), counter):
            pass
        for name, collection in targets.items():
            if policy_of(name).secret:
                report.skipped[name] = "secrets are not merged"
                counter.step(manifest.collections[name].count, m.data_name(name))
                continue
            left_out = tuple(manifest.collections[name].left_out_fields)
            report.add(name, CREATED, 0)
            for batch in reader.records(name, collection.spec):
                _merge_batch(store, collection, batch, left_out, report)
                counter.step(len(batch), m.data_name(name))
    if report.changed:
        store.audit.append({"actor": "owner", "action": "archive.merge", "count": report.changed})
    return report


def _merge_batch(
    store: Store,
    collection: Collection,
    batch: list[dict[str, Any]],
    left_out: tuple[str, ...],
    report: ImportReport,
) -> None:
    """One batch in one transaction; ``left_out`` fields (not in the archive) keep the
    store's values."""
    with store.transaction():
        new = []
        for record in batch:
            current = collection.find(record["id"])
            if current is None:
                new.append(record)
                continue
            incoming = {**record, **{k: current[k] for k in left_out if k in current}}
            if incoming == current:
                report.add(collection.name, UNCHANGED)
            elif _later(incoming, current):
                collection.replace(record["id"], incoming)
                report.add(collection.name, UPDATED)
            else:
                report.add(collection.name, KEPT)
        collection.insert_many(new)
        report.add(collection.name, CREATED, len(new))


def _later(incoming: dict[str, Any], current: dict[str, Any]) -> bool:
    theirs, ours = incoming.get("updated_at"), current.get("updated_at")
    return isinstance(theirs, str) and isinstance(ours, str) and theirs > ours
