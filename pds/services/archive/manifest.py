"""The archive's layout and its manifest: what a reader checks before it trusts a byte.

Members::

    README.txt                    what this is, in words
    manifest.json                 format, versions, counts, SHA-256 of every other member
    data/<collection>.json        every record, one per line inside a JSON array
    csv/<table>.csv               the flat view: a table per collection and per list
                                  its records hold (see ``csv_mapping``)
    pds.sqlite                    the same tables as one SQLite database (optional)
    schema/<collection>.schema.json
    audit/audit.jsonl             the audit log: one entry per line, hash-chained

``format_version`` changes only when a reader of the previous version would misread
an archive; readers refuse a newer version and ignore manifest keys they do not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from pds.errors import ArchiveInvalid

FORMAT = "pds-archive"
FORMAT_VERSION = 2  # 2: a CSV per list, day and instant columns, pds.sqlite
MANIFEST = "manifest.json"
README = "README.txt"
AUDIT = "audit/audit.jsonl"
GENESIS = "0" * 64
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def data_name(collection: str) -> str:
    return f"data/{collection}.json"


def csv_name(collection: str) -> str:
    return f"csv/{collection}.csv"


def schema_name(collection: str) -> str:
    return f"schema/{collection}.schema.json"


@dataclass
class CollectionEntry:
    count: int
    order: list[str]  # the fields records are sorted by, then "id"
    left_out_fields: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "order": self.order, "left_out_fields": self.left_out_fields}


@dataclass
class Manifest:
    created_at: str
    tool_version: str
    store_id: str
    secrets_included: bool
    encrypted: bool
    collections: dict[str, CollectionEntry] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)  # collection -> why
    audit_entries: int = 0
    audit_head: str = GENESIS
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> sha256, bytes
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "format": FORMAT,
                "format_version": self.format_version,
                "tool": "pds",
                "tool_version": self.tool_version,
                "created_at": self.created_at,
                "store_id": self.store_id,
                "secrets_included": self.secrets_included,
                "encrypted": self.encrypted,
                "collections": {n: e.to_json() for n, e in sorted(self.collections.items())},
                "left_out": dict(sorted(self.left_out.items())),
                "audit": {"entries": self.audit_entries, "head": self.audit_head},
                "files": dict(sorted(self.files.items())),
            },
            option=orjson.OPT_INDENT_2,
        )


def _bad(message: str) -> ArchiveInvalid:
    return ArchiveInvalid(f"{MANIFEST}: {message}", {"file": MANIFEST})


def parse(data: bytes) -> Manifest:
    """The manifest in ``data``, checked for shape and version (not yet against members)."""
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _bad(f"not valid JSON ({exc})") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise _bad("not a pds archive manifest")
    version = raw.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise _bad("format_version must be a positive integer")
    if version > FORMAT_VERSION:
        raise ArchiveInvalid(
            f"{MANIFEST}: archive format version {version} is newer than this pds reads "
            f"({FORMAT_VERSION}); upgrade pds",
            {"file": MANIFEST, "reason": "future_version"},
        )
    try:
        return _manifest(raw, version)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _bad(f"malformed ({exc.__class__.__name__}: {exc})") from None


def _manifest(raw: dict[str, Any], version: int) -> Manifest:
    collections = {}
    for name, entry in raw["collections"].items():
        if not _NAME.match(name) or not isinstance(entry["count"], int) or entry["count"] < 0:
            raise ValueError(f"collection {name!r}")
        collections[name] = CollectionEntry(
            int(entry["count"]), list(entry["order"]), list(entry.get("left_out_fields", []))
        )
    files = {}
    for name, facts in raw["files"].items():
        if not isinstance(facts.get("sha256"), str) or not _HEX64.match(facts["sha256"]):
            raise ValueError(f"files[{name!r}].sha256")
        files[str(name)] = {"sha256": facts["sha256"], "bytes": int(facts["bytes"])}
    audit = raw["audit"]
    return Manifest(
        created_at=str(raw["created_at"]),
        tool_version=str(raw["tool_version"]),
        store_id=str(raw.get("store_id", "")),
        secrets_included=bool(raw["secrets_included"]),
        encrypted=bool(raw.get("encrypted", False)),
        collections=collections,
        left_out={str(k): str(v) for k, v in raw.get("left_out", {}).items()},
        audit_entries=int(audit["entries"]),
        audit_head=str(audit["head"]),
        files=files,
        format_version=version,
    )


_VIEW_MEMBER = re.compile(r"^(csv/[a-z][a-z0-9_]*\.csv|pds\.sqlite)$")


def expected_members(manifest: Manifest) -> set[str]:
    """Every member an archive with this manifest holds (besides the manifest): the ones
    each collection has, and the views for people it lists (the CSV files of the lists
    records hold, ``pds.sqlite``), which a restore checks but does not read."""
    names = {README, AUDIT}
    for collection in manifest.collections:
        names |= {data_name(collection), csv_name(collection), schema_name(collection)}
    return names | {name for name in manifest.files if _VIEW_MEMBER.match(name)}
