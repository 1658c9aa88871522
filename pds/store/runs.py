"""Runs: new records of one shard, encoded once, as the members of a JSON object.

A run's bytes are ``"<id>":{...},"<id>":{...}`` — what goes between the braces of
a shard's body. A bulk insert encodes each record once into the run of the shard
it was placed in; the shard appends the run to its body, and a pending batch file
holds the runs as they are. A run is built, and its records' encodings dropped,
before the next one, so a large insert does not keep one bytes object per record
alive (on this kind of machine, fresh memory costs more than the copy).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add
from typing import Any

from pds.store import codec


@dataclass
class Run:
    ids: list[str] = field(default_factory=list)
    data: bytearray = field(default_factory=bytearray)
    spans: list[tuple[int, int]] = field(default_factory=list)  # of each value, in data

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, record_id: str, encoded: bytes) -> None:
        data = self.data
        if data:
            data += b","
        data += codec.dumps(record_id)
        data += b":"
        start = len(data)
        data += encoded
        self.ids.append(record_id)
        self.spans.append((start, len(data)))

    def as_object(self) -> bytes:
        """The run as a JSON object of its records, by id."""
        return b"{" + self.data + b"}"


def encode_runs(
    records: Sequence[dict[str, Any]], ids: Sequence[str], keys: Sequence[Any]
) -> dict[Any, Run]:
    """Encode each record into the run of its key (its shard); ``ValidationFailed`` as
    ``codec.check_record`` says, before anything else has changed."""
    positions: dict[Any, list[int]] = {}
    for at, key in enumerate(keys):
        ats = positions.get(key)
        if ats is None:
            positions[key] = [at]
        else:
            ats.append(at)
    return {
        key: _run([records[at] for at in ats], [ids[at] for at in ats])
        for key, ats in positions.items()
    }


def _run(records: list[dict[str, Any]], ids: list[str]) -> Run:
    """One run, its loops in C: the encodings of one shard's records live only here."""
    try:
        values = list(map(codec.dumps, records))
    except TypeError:  # orjson.JSONEncodeError is one
        values = list(map(codec.encode_record, records))  # raises ValidationFailed
    heads = [codec.dumps(record_id) + b":" for record_id in ids]
    pairs = list(map(bytes.__add__, heads, values))
    data = bytearray(b",".join(pairs))
    if b"null" in data:  # NaN and infinity encode as null (one search for the whole run)
        for record, value in zip(records, values, strict=True):
            if b"null" in value:
                codec.check_record(record)
    starts = list(accumulate((len(pair) + 1 for pair in pairs), initial=0))  # "," between
    spans = list(
        zip(map(add, starts, map(len, heads)), map(add, starts, map(len, pairs)), strict=False)
    )
    return Run(ids, data, spans)
