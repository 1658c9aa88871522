"""The CSV plan: how values become cells, and the batch text agreeing with the plain
one-record-at-a-time definition for any records."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pds.tabular import CsvPlan, cell

PLAN = CsvPlan(
    paths=(("id",), ("name",), ("address", "locality"), ("items",), ("tags",), ("n",)),
    json_columns=(False, False, False, True, False, False),
    extra=True,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (12, "12"),
        (-0.5, "-0.5"),
        ("plain", "plain"),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        (["food", "weekly"], "food; weekly"),
        (["=a", "b"], "'=a; b"),
        ([1, "b"], "1; b"),
        ([{"sku": "x"}], '[{"sku":"x"}]'),
        ({"a": 1}, '{"a":1}'),
    ],
)
def test_cells(value: object, text: str) -> None:
    assert cell(value) == text


def test_columns_paths_json_text_and_extra_fields() -> None:
    record = {
        "id": "r1",
        "name": 'say "hi"',
        "address": {"locality": "=Berlin"},
        "items": [{"sku": "x", "n": 2}],
        "tags": ["a", "b"],
        "other": 1,
    }
    assert PLAN.columns == ["id", "name", "address.locality", "items", "tags", "n", "_extra"]
    assert PLAN.row(record) == [
        "r1", 'say "hi"', "'=Berlin", '[{"sku":"x","n":2}]', "a; b", "", '{"other":1}',
    ]  # fmt: skip
    line = PLAN.line(record)
    assert line.endswith("\r\n") and '"say ""hi"""' in line
    assert next(csv.reader(io.StringIO(line))) == PLAN.row(record)


def test_a_path_through_something_not_an_object_is_an_empty_cell() -> None:
    assert PLAN.row({"id": "r", "address": "Berlin"})[2] == ""


def test_the_plan_travels_as_json() -> None:
    assert CsvPlan.from_json(PLAN.to_json()) == PLAN
    whole = CsvPlan.for_whole_records()
    assert CsvPlan.from_json(whole.to_json()) == whole
    assert whole.row({"id": "g", "n": 2}) == ["g", '{"n":2}']


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    st.sampled_from(["=1+1", "-2", "+x", "@a", "\tt", "\rr", 'q"q', "a\x00b", "\x01", ""]),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)
_records = st.fixed_dictionaries(
    {"id": st.text(max_size=6)},
    optional={
        "name": _values,
        "address": _values | st.fixed_dictionaries({}, optional={"locality": _values}),
        "items": _values,
        "tags": st.lists(st.text(max_size=4), max_size=3) | _values,
        "n": _values,
        "other": _values,
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_records, max_size=12), st.sampled_from([PLAN, CsvPlan.for_whole_records()]))
def test_the_batch_text_is_the_records_lines(records: list[dict[str, Any]], plan: CsvPlan) -> None:
    assert plan.text(records) == "".join(plan.line(record) for record in records)


@settings(max_examples=100, deadline=None)
@given(st.lists(_records, min_size=1, max_size=5))
def test_the_text_reads_back_as_the_rows(records: list[dict[str, Any]]) -> None:
    rows = list(csv.reader(io.StringIO(PLAN.text(records), newline="")))
    assert rows == [PLAN.row(record) for record in records]
