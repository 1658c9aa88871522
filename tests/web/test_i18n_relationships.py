"""The relationship pages in German: the record page, its edit page and the reminders page
for an owner who chose German, and what the portal says after a change (flashes, form
errors), plurals included; the same pages stay English for an owner who did not."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from babel.dates import format_skeleton
from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of


@pytest.fixture
def ada(services: Services) -> dict[str, Any]:
    """A person due for contact: her own target of 7 days, last called 30 days ago."""
    record = services.relationships.add(
        {"kind": "person", "name": "Ada Lovelace", "birthday": "1987-03-14"}
    )
    last = (date.today() - timedelta(days=30)).isoformat()
    call = {"kind": "call", "channel": "in_person", "date": last, "counterpart_id": record["id"]}
    services.interactions.log(call)
    services.reminders.set_target(record["id"], 7)
    return record


@pytest.fixture
def german(services: Services) -> None:
    services.profile.update({"language": "de"})


def _post(owner: FlaskClient, page: str, path: str, **form: Any) -> Any:
    return owner.post(path, data={"csrf_token": csrf_of(owner.get(page).get_data(True)), **form})


@pytest.mark.usefixtures("german")
def test_the_record_page_speaks_german(owner: FlaskClient, ada: dict[str, Any]) -> None:
    html = owner.get(f"/relationships/{ada['id']}").get_data(True)
    assert '<html lang="de">' in html
    assert '<h2 id="cadence">In Kontakt bleiben</h2>' in html
    assert "Ziel: alle 7 Tage (eigenes); letzter Kontakt " in html
    assert "<dt>Ist</dt><dd>eine Person</dd>" in html
    assert "<dt>Status</dt><dd>aktiv</dd>" in html
    assert "<dt>Geburtstag</dt><dd>14. März 1987</dd>" in html
    assert "Ada Lovelace ist als Person erfasst." in html
    assert '<option value="paused">pausiert</option>' in html
    assert "Erledigt: Ich habe mich gemeldet" in html
    assert "Noch keine Kontakte vermerkt." not in html and "Ältere Kontakte" not in html
    assert '<h2 id="timeline">Verlauf</h2>' in html and "</time> Anruf (persönlich)</li>" in html
    assert '<option value="in_person">persönlich</option>' in html
    assert '<option value="rfp">Ausschreibung</option>' in html
    listing = owner.get("/relationships").get_data(True)
    assert "<td>aktiv</td>" in listing and '<option value="ended">beendet</option>' in listing
    assert "<td>Person</td>" in listing and '<option value="vendor">Anbieter</option>' in listing
    new = owner.get("/relationships/new").get_data(True)
    assert '<option value="active" selected>aktiv</option>' in new


@pytest.mark.usefixtures("german")
def test_the_edit_page_speaks_german(owner: FlaskClient, ada: dict[str, Any]) -> None:
    path = f"/relationships/{ada['id']}/edit"
    html = owner.get(path).get_data(True)
    assert "<h1>Ada Lovelace bearbeiten</h1>" in html
    assert "<legend>Adresse 1</legend>" in html and "<h2>Verbundene Personen</h2>" in html
    assert '<option value="3" selected>März</option>' in html
    form = {"name": "Ada Lovelace", "birthday-day": "31", "birthday-month": "2"}
    response = _post(owner, path, path, **form)
    assert response.status_code == 422
    assert "Den 31. Februar gibt es nicht." in response.get_data(True)


@pytest.mark.usefixtures("german")
def test_the_reminders_page_speaks_german(owner: FlaskClient, ada: dict[str, Any]) -> None:
    html = owner.get("/reminders").get_data(True)
    assert "<h1>Erinnerungen</h1>" in html
    assert '<h2 id="due">Fällig für einen Kontakt</h2>' in html
    assert "<td>7 Tage</td>" in html
    assert 'aria-label="Erledigt: Ich habe mich bei Ada Lovelace gemeldet"' in html
    assert '<h2 id="calendar">Kalender-Abo</h2>' in html
    response = _post(owner, "/reminders", f"/reminders/{ada['id']}/snooze", days="3")
    until = format_skeleton("yMMMd", date.today() + timedelta(days=3), locale="de_DE")
    assert f"Zurückgestellt bis {until}." in owner.get(response.headers["Location"]).get_data(True)


@pytest.mark.usefixtures("german")
def test_logging_a_contact_says_so_in_german(owner: FlaskClient, ada: dict[str, Any]) -> None:
    path = f"/relationships/{ada['id']}"
    response = _post(owner, path, f"{path}/log", kind="call", date="2026-02-10")
    assert response.status_code == 303
    html = owner.get(response.headers["Location"]).get_data(True)
    assert "Anruf mit Ada Lovelace am 10. Feb. 2026 vermerkt." in html
    response = _post(owner, path, f"{path}/log", kind="call", date="2026-02-30")
    html = owner.get(response.headers["Location"]).get_data(True)
    assert "Nichts vermerkt: date:" in html


@pytest.mark.usefixtures("german")
def test_german_flashes_count_in_the_plural(
    owner: FlaskClient, services: Services, ada: dict[str, Any]
) -> None:
    bob = services.relationships.add({"kind": "person", "name": "Bob"})
    ids = [ada["id"], bob["id"]]
    response = _post(owner, "/relationships", "/relationships/bulk-tag", ids=ids, tag="club")
    html = owner.get(response.headers["Location"]).get_data(True)
    assert "Schlagwort an 2 Beziehungen vergeben." in html
    response = _post(
        owner, "/relationships", "/relationships/bulk-tag", ids=ids[:1], tag="club", action="remove"
    )
    html = owner.get(response.headers["Location"]).get_data(True)
    assert "Schlagwort von 1 Beziehung entfernt." in html
    path = f"/relationships/{bob['id']}/delete"
    response = _post(owner, path, path)
    html = owner.get(response.headers["Location"]).get_data(True)
    assert "Bob gelöscht, mit 0 Kontakte und 0 Einkäufe." in html


def test_the_same_flashes_in_english(
    owner: FlaskClient, services: Services, ada: dict[str, Any]
) -> None:
    bob = services.relationships.add({"kind": "person", "name": "Bob"})
    response = _post(
        owner, "/relationships", "/relationships/bulk-tag", ids=[bob["id"]], tag="club"
    )
    html = owner.get(response.headers["Location"]).get_data(True)
    assert "Applied the tag on 1 relationship." in html
    path = f"/relationships/{ada['id']}"
    html = owner.get(path).get_data(True)
    assert "<dt>Birthday</dt><dd>14 March 1987</dd>" in html
    assert "Target every 7 days (its own); last contact " in html
    assert "</time> call (in person)</li>" in html


@pytest.mark.usefixtures("german")
def test_the_dashboards_occasions_and_the_insights_groups_speak_german(
    owner: FlaskClient, services: Services
) -> None:
    soon = date.today() + timedelta(days=3)
    services.relationships.add(
        {"kind": "person", "name": "Grete", "birthday": f"1990-{soon:%m-%d}"}
    )
    dashboard = owner.get("/").get_data(True)
    assert "Grete</a>: Geburtstag (" in dashboard
    assert "in 3 Tagen" in dashboard
    insights = owner.get("/insights").get_data(True)
    assert ">Personen</h3>" in insights
