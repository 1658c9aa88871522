"""Reading a CSV file for import: bytes to text, the delimiter, the header, numbered rows.

- Encoding: UTF-8, with or without a byte order mark; UTF-16 with a BOM; anything else
  only when named (``encoding="cp1252"``).
- Delimiter: comma, semicolon or tab, whichever the header line has most of (unless given).
- Header: the first non-blank row. Each header cell is read as a known column by the
  ``mapping`` (file header -> column), its own name or a synonym
  (:mod:`pds.services.importers.columns`); every choice is kept for the report.
  Unknown columns are ignored and reported. Line numbers are those of the file (the
  header is line 1; a quoted cell spanning lines counts them all).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from pds.errors import ValidationFailed
from pds.services.importers.columns import ColumnChoice, choose_columns

MAX_BYTES = 50 * 1024 * 1024
DELIMITERS = (",", ";", "\t")


@dataclass
class CsvTable:
    encoding: str
    delimiter: str
    columns: dict[int, str]  # cell position -> known column name
    choices: list[ColumnChoice] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, column->text)
    errors: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def read_bytes(source: Path | str | bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        try:
            with Path(source).open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ValidationFailed(
                f"cannot read {source}: {exc.strerror}", {"file": [str(exc.strerror)]}
            ) from None
    else:
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            "the file is too large", {"file": [f"At most {MAX_BYTES // 2**20} MB; split it."]}
        )
    return data


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with."""
    if encoding is None:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8"
    try:
        return data.decode(encoding), encoding
    except LookupError:
        raise ValidationFailed(
            f"unknown encoding {encoding}", {"encoding": [f"Unknown encoding {encoding}."]}
        ) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationFailed(
            f"the file is not valid {encoding} (line {line})",
            {"file": [f"Not valid {encoding} at line {line}; save it as UTF-8 or name its"
                      " encoding (e.g. cp1252)."]},
        ) from None  # fmt: skip


def sniff_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(
    source: Path | str | bytes | BinaryIO,
    *,
    known: Sequence[str],
    required: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    synonyms: Mapping[str, Sequence[str]] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_rows: int = 100_000,
) -> CsvTable:
    """Read ``source`` into numbered rows of known columns; ``ValidationFailed`` if unusable."""
    text, used = decode(read_bytes(source), encoding)
    if not text.strip():
        raise ValidationFailed("the file is empty", {"file": ["Empty: expected a header row."]})
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise ValidationFailed("invalid delimiter", {"delimiter": ["Must be one character."]})
    delimiter = delimiter or sniff_delimiter(text)
    lines = _numbered_rows(text, delimiter)
    header_line, header = _first_non_blank(lines)
    choices = choose_columns(header, known, mapping or {}, synonyms)
    table = CsvTable(used, delimiter, _check_header(header, choices, known, required, mapping))
    table.choices = choices
    table.header = [cell.strip() for cell in header]
    table.ignored_columns = [c.header for c in choices if c.field is None and c.header]
    for line, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue
        if len(table.rows) + len(table.errors) >= max_rows:
            raise ValidationFailed(
                "too many rows", {"file": [f"At most {max_rows} rows; split the file."]}
            )
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            table.errors[f"line {line}"] = {
                "_row": [f"Has {len(cells)} cells; the header (line {header_line}) has "
                         f"{len(header)}."]
            }  # fmt: skip
            continue
        row = {name: cells[i].strip() for i, name in table.columns.items() if i < len(cells)}
        table.rows.append((line, row))
    return table


def _numbered_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line of the file it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            yield start, cells
    except csv.Error as exc:
        raise ValidationFailed(
            f"the file is not valid CSV (line {reader.line_num}): {exc}",
            {f"line {reader.line_num}": {"_row": [f"Not valid CSV: {exc}."]}},
        ) from None


def _first_non_blank(lines: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    for line, cells in lines:
        if any(cell.strip() for cell in cells):
            return line, cells
    raise ValidationFailed("the file is empty", {"file": ["Empty: expected a header row."]})


def _check_header(
    header: Sequence[str],
    choices: Sequence[ColumnChoice],
    known: Sequence[str],
    required: Sequence[str],
    mapping: Mapping[str, str] | None,
) -> dict[int, str]:
    """Cell position -> column; ``ValidationFailed`` naming every misfit of the header."""
    mapping = mapping or {}
    errors: dict[str, list[str]] = {}
    wrong_targets = sorted({v for v in mapping.values() if v not in known})
    if wrong_targets:
        errors["mapping"] = [
            f"Unknown column names: {', '.join(wrong_targets)} (known: {', '.join(known)})."
        ]
    present = {cell.strip().casefold() for cell in header}
    absent = sorted(k for k in mapping if k.strip().casefold() not in present)
    if absent:
        errors.setdefault("mapping", []).append(f"Not in the header: {', '.join(absent)}.")
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for position, choice in enumerate(choices):
        if choice.field is None:
            continue
        if choice.field in seen:
            errors.setdefault("columns", []).append(
                f"Both {seen[choice.field]!r} and {choice.header!r} are the {choice.field} column."
            )
            continue
        seen[choice.field] = choice.header
        columns[position] = choice.field
    missing = [name for name in required if name not in seen]
    if missing:
        hints = [c.describe() for c in choices if c.field is None and c.hint]
        errors.setdefault("columns", []).append(
            f"Missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
            f" (header has: {', '.join(c.strip() for c in header if c.strip()) or 'nothing'})."
            + (f" {'; '.join(hints)}." if hints else "")
        )
    if errors:
        messages = " ".join(chain.from_iterable(errors.values()))
        raise ValidationFailed(f"the header does not fit: {messages}", errors)
    return columns
