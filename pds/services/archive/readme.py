"""README.txt: the archive describing itself, for someone who finds it years from now."""

from __future__ import annotations

from pds.services.archive.manifest import FORMAT_VERSION

TEXT = """\
pds archive (format version {version})
=================================

This zip file holds everything a pds personal data store kept, taken out on
{created_at} by pds {tool_version}. Every file is plain UTF-8 text.

manifest.json
    The format and its version, when and by which pds version the archive was made,
    how many records each collection holds, and the SHA-256 and size of every other
    file here. Check a file by comparing its SHA-256 with the manifest's.

data/<collection>.json
    Every record of one collection, in full, as pds stores it: a JSON array with one
    record per line (each line but the last ends with a comma), sorted by the fields
    the manifest names under "order" (for example the date), then by "id". Any JSON
    reader reads it whole; a program can also read it line by line.

csv/<collection>.csv
    The same records flattened for spreadsheets: one row per record, one column per
    field ("address.locality" for a nested field, "a; b" for a list, JSON text for line
    items). Starts with a UTF-8 byte order mark. The CSV is a view; data/ restores.

schema/<collection>.schema.json
    The JSON Schema (draft 2020-12) every record of data/<collection>.json meets.

audit/audit.jsonl
    The store's audit log: one JSON object per line, oldest first, with "seq" (1, 2,
    ...), "at" (UTC time), "event" (who did what, ids and counts only) and "prev": the
    SHA-256 (hex) of the previous line's bytes ("000...0" for the first). Recompute
    the chain to check that no entry was removed, altered or reordered.

Collections left out of this archive (secrets unless asked for): {left_out}.

Restore with `pds import FILE` into a new store (`pds init`), or merge into an
existing one with `pds import FILE --merge`.
"""


def readme(created_at: str, tool_version: str, left_out: dict[str, str]) -> bytes:
    names = ", ".join(sorted(left_out)) or "none"
    return TEXT.format(
        version=FORMAT_VERSION, created_at=created_at, tool_version=tool_version, left_out=names
    ).encode("utf-8")
