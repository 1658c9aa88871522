"""The relationship list's read model: columns, search, filters, sorts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pds.errors import ValidationFailed
from pds.i18n import written_in
from pds.services import Services
from pds.services.relationships.directory import DirectoryQuery, ago


def _seed(services: Services) -> dict[str, dict]:
    today = services.reminders.today()
    rel = services.relationships
    people = {
        "ada": rel.add({"kind": "person", "name": "Ada Lovelace", "tags": ["family"]}),
        "bob": rel.add({"kind": "person", "name": "Bob Ölmann", "emails": ["bob@example.org"]}),
        "shop": rel.add({"kind": "vendor", "name": "Corner Shop", "status": "paused"}),
    }
    for weeks in (1, 5, 9, 13):  # Ada: about monthly, last a week ago
        day = (today - timedelta(weeks=weeks)).isoformat()
        services.interactions.log(
            {"kind": "call", "date": day, "counterpart_id": people["ada"]["id"]}
        )
    old = (today - timedelta(days=60)).isoformat()
    services.interactions.log({"kind": "call", "date": old, "counterpart_id": people["bob"]["id"]})
    services.reminders.set_target(people["bob"]["id"], 30)
    return people


def _names(services: Services, **args: str) -> list[str]:
    rows = services.directory.list_rows(DirectoryQuery.from_args(args))
    return [row.record["name"] for row in rows]


def test_the_columns(services: Services) -> None:
    people = _seed(services)
    today = services.reminders.today()
    rows = {r.record["id"]: r for r in services.directory.list_rows(DirectoryQuery())}
    ada, bob, shop = (rows[people[k]["id"]] for k in ("ada", "bob", "shop"))
    assert ada.last_contact_words(today) == "1 week ago"
    assert ada.rhythm == "about monthly"
    assert bob.last_contact_words(today) == "2 months ago"
    assert bob.next_due == today - timedelta(days=30)
    assert shop.last_contact_words(today) == "never" and shop.next_due is None


def test_sorts_with_missing_values_last(services: Services) -> None:
    _seed(services)
    assert _names(services) == ["Ada Lovelace", "Bob Ölmann", "Corner Shop"]
    assert _names(services, order="desc") == ["Corner Shop", "Bob Ölmann", "Ada Lovelace"]
    assert _names(services, sort="last_contact") == ["Bob Ölmann", "Ada Lovelace", "Corner Shop"]
    assert _names(services, sort="last_contact", order="desc")[:2] == ["Ada Lovelace", "Bob Ölmann"]
    assert _names(services, sort="next_due") == ["Bob Ölmann", "Ada Lovelace", "Corner Shop"]


def test_search_by_name_email_and_tag_and_filters(services: Services) -> None:
    _seed(services)
    assert _names(services, q="olmann") == ["Bob Ölmann"]
    assert _names(services, q="example.org") == ["Bob Ölmann"]
    assert _names(services, q="fam") == ["Ada Lovelace"]
    assert _names(services, kind="vendor") == ["Corner Shop"]
    assert _names(services, status="paused") == ["Corner Shop"]
    assert _names(services, tag="family") == ["Ada Lovelace"]


def test_bad_sorts_and_filters_are_refused(services: Services) -> None:
    for args in ({"sort": "age"}, {"tier": "x"}, {"kind": "planet"}, {"tag": "a,b"}):
        with pytest.raises(ValidationFailed):
            DirectoryQuery.from_args(args)


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "today"),
        (1, "yesterday"),
        (5, "5 days ago"),
        (21, "3 weeks ago"),
        (61, "2 months ago"),
        (800, "2 years ago"),
    ],
)
def test_ago(days: int, words: str) -> None:
    today = date(2026, 6, 1)
    assert ago(today - timedelta(days=days), today) == words


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "heute"),
        (1, "gestern"),
        (5, "vor 5 Tagen"),
        (7, "vor 1 Woche"),
        (21, "vor 3 Wochen"),
        (30, "vor 1 Monat"),
        (800, "vor 2 Jahren"),
    ],
)
def test_ago_in_german(days: int, words: str) -> None:
    today = date(2026, 6, 1)
    with written_in("de"):
        assert ago(today - timedelta(days=days), today) == words
