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

csv/<collection>.csv and csv/<singular>_<list>.csv
    The same records as tables for spreadsheets (a view: data/ is what restores).
    csv/<collection>.csv has one row per record and one column per field
    ("address.locality" for a nested field, "a; b" for a list of texts). Every list
    the records hold has a file of its own with one row per item, for example
    csv/purchase_items.csv: the record's id (purchase_id), its date and the names
    it refers to (vendor_name), the item's position (1, 2, ...) and its fields.
    Beside an id that points at another record comes that record's name, as it was
    when this archive was made: vendor_id, vendor_name; counterpart_id,
    counterpart_name; rfp_id, rfp_title; client_id, client_name.
    Days are written YYYY-MM-DD, instants as ISO 8601 UTC (2026-08-17T09:30:21Z),
    days of the year without a year (birthdays) as --MM-DD.
    A field that holds either is two columns: "date" (always the day) and
    "date_time" (the instant, empty when only the day is known).
    Binary data (photos) is left out of the tables; data/ keeps it.
    Files are UTF-8 with a byte order mark, every cell in double quotes, CRLF.

    Formula guard: a spreadsheet computes a cell that starts with =, +, - or @.
    So that opening these files never runs a formula hidden in a vendor's name or a
    note, a cell that would be computed starts with an apostrophe ('): one that
    starts with =, @, a tab or a carriage return, or with + or - when the whole
    cell is not a number. Numbers such as -12.50 stay numbers; "+44 20 7946 0000"
    is written '+44 20 7946 0000. Remove the leading ' to get the text pds stored.

pds.sqlite (when asked for)
    The same tables as one SQLite database: open it with the sqlite3 shell,
    Datasette or any SQLite library. Amounts are numbers, booleans 1/0, nothing is
    guarded. Keys and indexes link the tables; the views spend_per_vendor_per_month,
    spend_per_category_per_month and last_contact_per_person answer the common
    questions.

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
