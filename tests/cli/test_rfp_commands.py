"""pds rfp list | show | publish | close | award, against a real store on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke

DEADLINE = "2099-03-10T12:00:00Z"
ISSUER = "https://pds.example.org"


def rfp_data(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "category": "bikes",
        "budget": {"max": "900", "currency": "EUR"},
        "deadline": DEADLINE,
    }


@pytest.fixture
def seeded(on_disk: Callable[[], Any]) -> dict[str, Any]:
    """A draft, and an open RFP with a live offer from a registered vendor."""
    with on_disk() as services:
        draft = services.rfps.draft(rfp_data("A draft bike"))
        opened = services.rfps.publish(services.rfps.draft(rfp_data("An open bike"))["id"])
        client, _ = services.clients.register(
            {"client_name": "Velo Shop", "redirect_uris": ["https://velo.example.com/cb"]}
        )
        offer = services.offers.submit(
            opened["pseudonym"],
            client["id"],
            {"price": "850", "currency": "EUR", "delivery_date": "2099-01-15"},
        )
    return {"draft": draft, "open": opened, "offer": offer}


def status_of(on_disk: Callable[[], Any], rfp_id: str) -> str:
    with on_disk() as services:
        return str(services.rfps.get(rfp_id)["status"])


def test_list_shows_rfps_and_filters_by_status(pds: Invoke, seeded: dict[str, Any]) -> None:
    result = pds("rfp", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[1] == (
        f"{seeded['draft']['id']}  draft      bikes  deadline {DEADLINE}  A draft bike"
    )
    only_open = pds("rfp", "list", "--status", "open", "--json")
    assert [row["id"] for row in json.loads(only_open.output)] == [seeded["open"]["id"]]
    assert pds("rfp", "list", "--status", "awarded").output == "no awarded rfps\n"


def test_list_of_an_empty_store(pds: Invoke, initialised: Path) -> None:
    assert pds("rfp", "list").output == "no rfps\n"


def test_show_gives_the_owners_full_view(pds: Invoke, seeded: dict[str, Any]) -> None:
    rfp_id = seeded["open"]["id"]
    record = json.loads(pds("rfp", "show", rfp_id, "--json").output)
    assert record["id"] == rfp_id
    assert record["pseudonym"] == seeded["open"]["pseudonym"]
    assert [step["state"] for step in record["history"]] == ["draft", "open"]
    text = pds("rfp", "show", rfp_id).output
    assert f"pseudonym: {seeded['open']['pseudonym']}\n" in text
    assert "status: open\n" in text
    assert '"currency": "EUR"' in text


def test_publish_opens_a_draft(
    pds: Invoke, seeded: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    draft = seeded["draft"]
    result = pds("rfp", "publish", draft["id"])
    assert result.exit_code == 0, result.output
    assert result.output == f"published rfp {draft['id']} as {draft['pseudonym']}\n"
    assert status_of(on_disk, draft["id"]) == "open"


def test_close_ends_an_open_rfp(
    pds: Invoke, seeded: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    rfp_id = seeded["open"]["id"]
    result = pds("rfp", "close", rfp_id)
    assert result.exit_code == 0, result.output
    assert result.output == f"closed rfp {rfp_id}\n"
    assert status_of(on_disk, rfp_id) == "closed"


def test_award_chooses_an_offer(
    pds: Invoke, seeded: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    rfp_id, offer_id = seeded["open"]["id"], seeded["offer"]["id"]
    result = pds("rfp", "award", rfp_id, offer_id)
    assert result.exit_code == 0, result.output
    assert result.output == f"awarded rfp {rfp_id} to offer {offer_id}\n"
    assert status_of(on_disk, rfp_id) == "awarded"


def test_award_can_offer_the_shipping_address(
    pds: Invoke, seeded: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    rfp_id, offer = seeded["open"]["id"], seeded["offer"]
    with on_disk() as services:
        services.subscriptions.subscribe(offer["client_id"], {"url": "https://velo.example.com/h"})
    result = pds("rfp", "award", "--share-shipping", rfp_id, offer["id"], PDS_ISSUER=ISSUER)
    assert result.exit_code == 0, result.output
    with on_disk() as services:
        [delivery] = services.webhooks.deliveries(rfp_id=rfp_id)
    body = json.loads(delivery["body"])
    assert (body["type"], delivery["client_id"]) == ("offer.awarded", offer["client_id"])
    assert body["data"]["consent"]["issuer"] == ISSUER
    assert body["data"]["consent"]["scope"] == "openid address"


def test_invalid_transition_is_one_line_and_conflict_exit(
    pds: Invoke, seeded: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    rfp_id = seeded["draft"]["id"]
    result = pds("rfp", "close", rfp_id)
    assert result.exit_code == 6
    assert result.output == f"error: rfp {rfp_id} cannot go from draft to closed\n"
    assert status_of(on_disk, rfp_id) == "draft"


def test_award_of_an_unknown_offer_is_refused(pds: Invoke, seeded: dict[str, Any]) -> None:
    rfp_id = seeded["open"]["id"]
    result = pds("rfp", "award", rfp_id, "no-such-offer")
    assert result.exit_code == 6
    assert result.output == f"error: offer no-such-offer is not a live offer for rfp {rfp_id}\n"


def test_unknown_rfp_is_not_found(pds: Invoke, initialised: Path) -> None:
    result = pds("rfp", "show", "not-an-rfp")
    assert result.exit_code == 4
    assert result.output == "error: no rfp not-an-rfp\n"
