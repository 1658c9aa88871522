"""The CSV plan: how values become cells, a list's table, names beside ids, the two
halves of a day-or-instant field, and the batch text agreeing with the text of one
record at a time for any records."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pds.tabular import Column, CsvPlan, Table, cell
from pds.tabular.plan import DAY, ITEM, JSON, NAME, POSITION, TIME

MAIN = Table(
    "things",
    (
        Column("id", ("id",)),
        Column("name", ("name",)),
        Column("address.locality", ("address", "locality")),
        Column("items", ("items",), JSON),
        Column("tags", ("tags",)),
        Column("n", ("n",)),
        Column("seen", ("seen",), DAY),
        Column("seen_time", ("seen",), TIME),
        Column("owner_id", ("owner_id",)),
        Column("owner_name", ("owner_id",), NAME, names="owners"),
    ),
    extra=True,
)
ITEMS = Table(
    "thing_items",
    (
        Column("thing_id", ("id",)),
        Column("name", ("name",)),
        Column("position", kind=POSITION, scope=POSITION),
        Column("sku", ("sku",), scope=ITEM),
    ),
    items=("items",),
)
PLAN = CsvPlan((MAIN, ITEMS), names={"owners": {"o1": "=Owner", "o2": "Plain"}})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (12, "12"),
        (-0.5, "-0.5"),
        ("plain", "plain"),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "+1"),
        ("-12.50", "-12.50"),
        ("-1e5", "-1e5"),
        ("+x", "'+x"),
        ("-A1", "'-A1"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-", "'-"),
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


def test_columns_paths_json_text_names_days_and_extra_fields() -> None:
    record = {
        "id": "r1",
        "name": 'say "hi"',
        "address": {"locality": "=Berlin"},
        "items": [{"sku": "x", "n": 2}, {"sku": "-y"}],
        "tags": ["a", "b"],
        "seen": "2026-08-17T09:30:21Z",
        "owner_id": "o1",
        "other": 1,
    }
    assert MAIN.column_names == [
        "id", "name", "address.locality", "items", "tags", "n", "seen", "seen_time",
        "owner_id", "owner_name", "_extra",
    ]  # fmt: skip
    assert PLAN.rows(MAIN, [record]) == [
        [
            "r1", 'say "hi"', "'=Berlin", '[{"sku":"x","n":2},{"sku":"-y"}]', "a; b", "",
            "2026-08-17", "2026-08-17T09:30:21Z", "o1", "'=Owner", '{"other":1}',
        ]
    ]  # fmt: skip
    assert PLAN.rows(ITEMS, [record, {"id": "r2", "items": []}]) == [
        ["r1", 'say "hi"', "1", "x"],
        ["r1", 'say "hi"', "2", "'-y"],
    ]
    main, items = PLAN.texts([record])
    assert main.endswith("\r\n") and '"say ""hi"""' in main
    assert next(csv.reader(io.StringIO(main))) == PLAN.rows(MAIN, [record])[0]
    assert items.count("\r\n") == 2


def test_a_day_leaves_the_instant_empty_and_an_unknown_id_has_no_name() -> None:
    row = PLAN.rows(MAIN, [{"id": "r", "seen": "2026-11-14", "owner_id": "o9"}])[0]
    assert row[6:10] == ["2026-11-14", "", "o9", ""]
    odd = {"id": "r", "seen": "=HYPERLINK(x)", "owner_id": "o1"}
    csv_cells = ["'=HYPERLINK", "'=HYPERLINK(x)", "o1", "'=Owner"]
    assert PLAN.rows(MAIN, [odd])[0][6:10] == csv_cells
    typed = [column[0] for column in PLAN.values(MAIN, [odd])][6:10]
    assert typed == ["=HYPERLINK", "=HYPERLINK(x)", "o1", "=Owner"]  # a database computes nothing


def test_a_path_through_something_not_an_object_is_an_empty_cell() -> None:
    assert PLAN.rows(MAIN, [{"id": "r", "address": "Berlin"}])[0][2] == ""


def test_the_plan_travels_as_json() -> None:
    assert CsvPlan.from_json(PLAN.to_json()) == PLAN
    assert CsvPlan.from_json(PLAN.to_json()).names == PLAN.names


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
        "seen": _values,
        "owner_id": st.sampled_from(["o1", "o2", "o3"]) | _values,
        "other": _values,
    },
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_records, max_size=12))
def test_the_batch_text_is_the_records_texts(records: list[dict[str, Any]]) -> None:
    one_by_one = [PLAN.texts([record]) for record in records]
    assert PLAN.texts(records) == ["".join(texts[i] for texts in one_by_one) for i in range(2)]


@settings(max_examples=100, deadline=None)
@given(st.lists(_records, min_size=1, max_size=5))
def test_the_text_reads_back_as_the_rows_and_scalars_as_their_cells(
    records: list[dict[str, Any]],
) -> None:
    rows = list(csv.reader(io.StringIO(PLAN.texts(records)[0], newline="")))
    assert rows == PLAN.rows(MAIN, records)
    for row, record in zip(rows, records, strict=True):
        assert row[0] == cell(record["id"]) and row[5] == cell(record.get("n"))


@settings(max_examples=200, deadline=None)
@given(st.lists(_records, max_size=8))
def test_the_database_values_are_the_cells_before_the_csv_makes_them_text(
    records: list[dict[str, Any]],
) -> None:
    for table in PLAN.tables:
        rows = PLAN.rows(table, records)
        values = list(zip(*PLAN.values(table, records), strict=True))
        assert len(values) == len(rows)
        for row, typed in zip(rows, values, strict=True):
            for name, text, value in zip(table.column_names, row, typed, strict=True):
                if name in ("items", "_extra"):  # JSON text as it is
                    assert text == (value or ""), name
                elif name != "position":
                    assert text == cell(value), name
