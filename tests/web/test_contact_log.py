"""Logging contact from the portal: the form, the shortcuts and the list's button."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of


def _person(services: Services) -> dict:
    return services.relationships.add({"kind": "person", "name": "Jonas Weber"})


def test_a_shortcut_logs_a_call_today_and_goes_back(owner: FlaskClient, services: Services) -> None:
    person = _person(services)
    page = owner.get(f"/relationships/{person['id']}").get_data(True)
    assert "Log a call" in page
    response = owner.post(
        f"/relationships/{person['id']}/log", data={"kind": "call", "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/relationships/{person['id']}")
    (entry,) = services.interactions.list(counterpart_id=person["id"]).items
    assert entry["kind"] == "call" and entry["channel"] == "phone"
    assert entry["date"][:10] == services.reminders.today().isoformat()
    assert "Logged a call with Jonas Weber" in owner.get(response.headers["Location"]).get_data(
        True
    )
    response = owner.post(
        f"/relationships/{person['id']}/log",
        data={"kind": "call", "date": "2026-02-10", "csrf_token": csrf_of(page)},
    )
    flashed = owner.get(response.headers["Location"]).get_data(True)
    assert "Logged a call with Jonas Weber on 10 Feb 2026." in flashed


def test_the_form_logs_kind_channel_date_and_note(owner: FlaskClient, services: Services) -> None:
    person = _person(services)
    token = csrf_of(owner.get(f"/relationships/{person['id']}").get_data(True))
    form = {
        "kind": "meeting",
        "channel": "web",
        "date": "2026-03-04",
        "note": "coffee",
        "csrf_token": token,
    }
    owner.post(f"/relationships/{person['id']}/log", data=form)
    (entry,) = services.interactions.list(counterpart_id=person["id"]).items
    assert (entry["kind"], entry["channel"], entry["date"][:10], entry["note"]) == (
        "meeting",
        "web",
        "2026-03-04",
        "coffee",
    )


def test_an_impossible_date_logs_nothing_and_says_why(
    owner: FlaskClient, services: Services
) -> None:
    person = _person(services)
    token = csrf_of(owner.get(f"/relationships/{person['id']}").get_data(True))
    form = {"kind": "call", "date": "2026-02-30", "csrf_token": token}
    response = owner.post(f"/relationships/{person['id']}/log", data=form, follow_redirects=True)
    assert "Nothing logged: date:" in response.get_data(True)
    assert services.interactions.count_with(person["id"]) == 0


def test_an_unknown_relationship_is_not_found(owner: FlaskClient, services: Services) -> None:
    token = csrf_of(owner.get("/relationships").get_data(True))
    response = owner.post("/relationships/nope/log", data={"kind": "call", "csrf_token": token})
    assert response.status_code == 404


def test_the_list_logs_a_call_and_comes_back_to_the_list(
    owner: FlaskClient, services: Services
) -> None:
    person = _person(services)
    page = owner.get("/relationships?kind=person").get_data(True)
    assert f'formaction="/relationships/{person["id"]}/log"' in page
    form = {"kind": "call", "back": "/relationships?kind=person", "csrf_token": csrf_of(page)}
    response = owner.post(f"/relationships/{person['id']}/log", data=form)
    assert response.headers["Location"].endswith("/relationships?kind=person")
    assert services.interactions.count_with(person["id"]) == 1


def _log(services: Services, person: dict, kind: str, day: str, channel: str) -> None:
    entry = {"counterpart_id": person["id"], "kind": kind, "date": day, "channel": channel}
    services.interactions.log(entry | {"note": f"{kind} on {day}"})


def test_the_timeline_filters_by_kind_channel_and_dates(
    owner: FlaskClient, services: Services
) -> None:
    person = _person(services)
    _log(services, person, "call", "2026-01-10", "phone")
    _log(services, person, "meeting", "2026-02-10", "in_person")
    _log(services, person, "message", "2026-03-10", "chat")
    url = f"/relationships/{person['id']}"
    everything = owner.get(url).get_data(True)
    assert all(f"{k} on" in everything for k in ("call", "meeting", "message"))
    by_kind = owner.get(url, query_string={"kind": "meeting"}).get_data(True)
    assert "meeting on 2026-02-10" in by_kind and "call on" not in by_kind
    by_channel = owner.get(url, query_string={"channel": "chat"}).get_data(True)
    assert "message on 2026-03-10" in by_channel and "meeting on" not in by_channel
    by_dates = owner.get(url, query_string={"since": "2026-02-01", "until": "2026-02-28"})
    dated = by_dates.get_data(True)
    assert "meeting on" in dated and "call on" not in dated and "message on" not in dated
    none = owner.get(url, query_string={"kind": "gift"}).get_data(True)
    assert "No interactions match." in none


def test_a_bad_timeline_filter_says_what_is_wrong(owner: FlaskClient, services: Services) -> None:
    person = _person(services)
    page = owner.get(f"/relationships/{person['id']}", query_string={"since": "2026-02-30"})
    assert page.status_code == 200
    assert 'id="timeline-error"' in page.get_data(True)


def test_the_timeline_pages_to_older_interactions(owner: FlaskClient, services: Services) -> None:
    person = _person(services)
    for day in range(1, 29):
        _log(services, person, "call", f"2026-02-{day:02d}", "phone")
    for day in range(1, 29):
        _log(services, person, "call", f"2026-03-{day:02d}", "phone")
    first = owner.get(f"/relationships/{person['id']}").get_data(True)
    assert "call on 2026-03-28" in first and "call on 2026-02-01" not in first
    older = re.search(r'href="([^"]+cursor=[^"]+)">Older interactions', first)
    assert older is not None
    second = owner.get(older.group(1).replace("&amp;", "&")).get_data(True)
    assert "call on 2026-02-01" in second and "call on 2026-03-28" not in second


def test_the_list_shows_last_contact_and_sorts_by_it(
    owner: FlaskClient, services: Services
) -> None:
    today = services.reminders.today()
    recent, silent = (
        _person(services),
        services.relationships.add({"kind": "person", "name": "Zoe"}),
    )
    for person, days in ((recent, 2), (silent, 90)):
        _log(services, person, "call", (today - timedelta(days=days)).isoformat(), "phone")
    page = owner.get("/relationships").get_data(True)
    assert "2 days ago" in page and "3 months ago" in page
    assert 'href="/relationships?sort=last_contact&amp;order=asc"' in page
    oldest_first = owner.get("/relationships?sort=last_contact&order=asc").get_data(True)
    assert oldest_first.index("Zoe") < oldest_first.index("Jonas Weber")
    assert 'aria-sort="ascending"' in oldest_first
    newest_first = owner.get("/relationships?sort=last_contact&order=desc").get_data(True)
    assert newest_first.index("Jonas Weber") < newest_first.index(">Zoe<")
    found = owner.get("/relationships?q=zo").get_data(True)
    assert ">Zoe<" in found and "Jonas Weber" not in found
    refused = owner.get("/relationships?sort=age").get_data(True)
    assert 'id="filter-error"' in refused


def test_a_long_list_shows_its_first_rows_and_says_so(
    owner: FlaskClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pds.web.relationships.LIST_SIZE", 2)
    for name in ("Ann", "Ben", "Cy"):
        services.relationships.add({"kind": "person", "name": name})
    page = owner.get("/relationships").get_data(True)
    assert "Showing 2 of 3: search or filter" in page and ">Cy<" not in page
