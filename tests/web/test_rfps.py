"""The portal's RFP pages: write (with the preview of exactly what vendors see), list,
publish, close, withdraw; compare offers with the owner's history with each vendor,
award, decline, answer questions; the webhook delivery log."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from babel.dates import format_datetime
from flask import Flask
from flask.testing import FlaskClient

from pds.app import create_app
from pds.runtime.current import runtime_of
from pds.services import Services
from pds.services.intents.rfp_views import public_view
from tests.conftest import PASSPHRASE, TEST_SETTINGS, csrf_of


@pytest.fixture
def app(made_store: Any, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    """The app without its courier: the deliveries these pages show stay as the test
    leaves them (``tests/services`` and ``tests/e2e`` cover the courier's posting)."""
    application = create_app(
        {
            "home": made_store,
            "passphrase": PASSPHRASE,
            "webhooks_enabled": False,
            **TEST_SETTINGS,
            **app_overrides,
        }
    )
    application.config["TESTING"] = True
    yield application
    runtime_of(application).close()


def local(days: float = 7) -> str:
    """A ``datetime-local`` value ``days`` from now (UTC)."""
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def form(owner: FlaskClient, **changes: Any) -> dict[str, Any]:
    """What the browser sends for a filled-in RFP form, with ``changes`` (``None`` drops)."""
    data: dict[str, Any] = {
        "csrf_token": csrf_of(owner.get("/rfps/new").get_data(as_text=True)),
        "title": "A silver road bike",
        "description": "Light, for commuting.",
        "category": "bikes",
        "req-0-key": "size",
        "req-0-operator": "eq",
        "req-0-value": "M",
        "req-1-key": "colour",
        "req-1-operator": "in",
        "req-1-value": "silver, grey",
        "req-2-key": "",
        "req-2-operator": "",
        "req-2-value": "",
        "req-3-key": "weight",
        "req-3-operator": "le",
        "req-3-value": "9.5",
        "req-4-key": "delivery_before",
        "req-4-operator": "before",
        "req-4-value": "2030-12-01",
        "budget_min": "500",
        "budget_max": "900.50",
        "budget_currency": "EUR",
        "deadline": local(),
        "quantity": "1",
        "country": "de",
        "region": "Bavaria",
        "visibility": "public",
        "action": "save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def write(owner: FlaskClient, **changes: Any) -> Any:
    return owner.post("/rfps/new", data=form(owner, **changes))


def only_rfp(services: Services) -> dict[str, Any]:
    [rfp] = services.rfps.list()
    return rfp


def published(services: Services, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "A silver road bike",
        "category": "bikes",
        "budget": {"max": "900", "currency": "EUR"},
        "deadline": local() + ":00Z",
        **overrides,
    }
    return services.rfps.publish(services.rfps.draft(data)["id"])


def register(services: Services, name: str) -> str:
    """A vendor registered at its own domain (``Velo Shop`` at ``velo-shop.example``)."""
    domain = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".example"
    client, _ = services.clients.register(
        {"client_name": name, "redirect_uris": [f"https://{domain}/cb"]}
    )
    return str(client["id"])


def offer(services: Services, rfp: dict[str, Any], client_id: str, **overrides: Any) -> dict:
    data = {
        "price": "799.00",
        "currency": "EUR",
        "line_items": [{"description": "Road bike, size M", "unit_price": "799.00"}],
        "delivery_date": "2030-03-20",
        "conditions": "Two years warranty.",
        "valid_until": local(3) + ":00Z",
        "message": "In stock in silver.",
        **overrides,
    }
    return services.offers.submit(rfp["pseudonym"], client_id, data)


def press(owner: FlaskClient, page: str, action: str, **fields: str) -> Any:
    """Submit the form of ``page`` whose action is ``action`` (with its CSRF token)."""
    text = owner.get(page).get_data(as_text=True)
    assert f'action="{action}"' in text, action
    return owner.post(action, data={"csrf_token": csrf_of(text), **fields})


def flashed(owner: FlaskClient, page: str) -> list[str]:
    text = owner.get(page).get_data(as_text=True)
    return [
        html.unescape(m) for m in re.findall(r'<p class="notice" role="status">(.*?)</p>', text)
    ]


def error_of(page: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{re.escape(field)}-error">(.*?)</p>', page)
    assert match, f"no error shown for {field}"
    return html.unescape(match.group(1))


# -- access, navigation, labels ----------------------------------------------------------


def test_the_pages_are_for_the_owner_only(client: FlaskClient) -> None:
    for page in ("/rfps", "/rfps/new"):
        response = client.get(page)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login?next={page}"


def test_the_navigation_leads_to_the_rfps(owner: FlaskClient) -> None:
    assert '<a href="/rfps">RFPs</a>' in owner.get("/").get_data(as_text=True)


def test_every_field_of_the_form_has_a_label(owner: FlaskClient, services: Services) -> None:
    services.preferences.set("clothing.size", "M")
    register(services, "Velo Shop")
    page = owner.get("/rfps/new").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select|textarea) id="([^"]+)"', page)
    assert len(ids) == 1 + 1 + 1 + 5 * 3 + 3 + 1 + 1 + 2 + 2 + 1 + 1 + 1
    for field_id in ids:
        assert f'<label for="{field_id}">' in page, field_id
    assert 'type="hidden" name="csrf_token"' in page
    assert '<input id="deadline" name="deadline" type="datetime-local"' in page
    assert "In your time zone, UTC (set in your profile)" in page
    assert '<label for="disclose-1">Clothing: size: M</label>' in page
    assert '<label for="chosen-1">Velo Shop</label>' in page


# -- writing ----------------------------------------------------------------------------


def test_save_draft_stores_what_the_form_says(owner: FlaskClient, services: Services) -> None:
    response = write(owner)
    rfp = only_rfp(services)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/rfps/{rfp['id']}"
    assert rfp["status"] == "draft"
    assert rfp["requirements"] == [
        {"key": "size", "operator": "eq", "value": "M"},
        {"key": "colour", "operator": "in", "value": ["silver", "grey"]},
        {"key": "weight", "operator": "le", "value": 9.5},
        {"key": "delivery_before", "operator": "before", "value": "2030-12-01"},
    ]
    assert rfp["budget"] == {"min": "500", "max": "900.50", "currency": "EUR"}
    assert rfp["deadline"] == local().replace(" ", "T") + ":00Z"
    assert rfp["location_hint"] == {"country": "DE", "region": "Bavaria"}
    assert rfp["visibility"] == "public"
    assert rfp["reveal_identity"] is False
    assert "disclosure" not in rfp
    assert flashed(owner, f"/rfps/{rfp['id']}") == [
        "Draft saved. Nothing is shown to vendors until you publish it."
    ]


def test_field_errors_show_beside_the_fields_keeping_what_was_typed(
    owner: FlaskClient, services: Services
) -> None:
    response = write(
        owner, **{"title": "", "budget_max": "lots", "req-3-value": "heavy", "quantity": "two"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not saved: correct the fields marked below." in page
    assert error_of(page, "title") == "Must not be blank."
    assert error_of(page, "budget_max") == (
        "Not a valid decimal number (use digits and a dot, e.g. 12.50)."
    )
    assert error_of(page, "req-3-value") == "The le operator needs a number."
    assert error_of(page, "quantity") == "Not a valid integer."
    assert 'value="lots" aria-invalid="true" aria-describedby="budget_max-error"' in page
    assert 'id="req-3-value" name="req-3-value" type="text" maxlength="2000" value="heavy"' in page
    assert 'value="silver, grey"' in page
    assert services.rfps.list() == []


def test_a_post_without_the_csrf_token_is_refused(owner: FlaskClient, services: Services) -> None:
    data = form(owner)
    del data["csrf_token"]
    response = owner.post("/rfps/new", data=data)
    assert response.status_code == 400
    assert "the form expired or was not sent by this portal" in response.get_data(as_text=True)
    assert services.rfps.list() == []


def test_editing_a_draft_shows_its_values_and_saves_changes(
    owner: FlaskClient, services: Services
) -> None:
    write(owner)
    rfp = only_rfp(services)
    page = owner.get(f"/rfps/{rfp['id']}/edit").get_data(as_text=True)
    assert (
        'id="req-1-value" name="req-1-value" type="text" maxlength="2000" value="silver, grey"'
        in (page)
    )
    assert f'value="{local()}"' in page
    assert 'id="req-8-key"' in page and 'id="req-9-key"' not in page  # 4 rows + 5 empty
    changes = {"title": "A grey road bike", "description": "", "req-0-key": "", "req-0-value": ""}
    changes["req-0-operator"] = ""
    response = owner.post(f"/rfps/{rfp['id']}/edit", data=form(owner, **changes))
    assert response.status_code == 303
    edited = services.rfps.get(rfp["id"])
    assert edited["title"] == "A grey road bike"
    assert "description" not in edited
    assert [r["key"] for r in edited["requirements"]] == ["colour", "weight", "delivery_before"]


def test_only_a_draft_can_be_edited(owner: FlaskClient, services: Services) -> None:
    rfp = published(services)
    response = owner.get(f"/rfps/{rfp['id']}/edit")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/rfps/{rfp['id']}"
    assert flashed(owner, f"/rfps/{rfp['id']}") == ["This RFP is open; only a draft can be edited."]


def test_chosen_vendors_and_disclosure_come_from_checkboxes(
    owner: FlaskClient, services: Services
) -> None:
    services.preferences.set("clothing.size", "M")
    shop = register(services, "Velo Shop")
    write(owner, visibility="chosen", chosen_vendors=[shop], disclosure=["clothing.size"])
    rfp = only_rfp(services)
    assert rfp["visibility"] == "chosen"
    assert rfp["chosen_vendors"] == [shop]
    assert rfp["disclosure"] == ["clothing.size"]
    services.preferences.delete("clothing.size")
    edit_page = owner.get(f"/rfps/{rfp['id']}/edit").get_data(as_text=True)
    assert (
        '<input id="disclose-1" name="disclosure" type="checkbox" value="clothing.size" checked>'
        '\n    <label for="disclose-1">Clothing: size: (no longer recorded)</label>'
    ) in edit_page
    response = write(owner, visibility="chosen")
    assert response.status_code == 422
    assert error_of(response.get_data(as_text=True), "chosen_vendors") == (
        "Name at least one vendor."
    )


# -- preview and publish ------------------------------------------------------------------


def shown_json(page: str) -> dict[str, Any]:
    match = re.search(r'<pre class="json"><code>(.*?)</code></pre>', page, re.S)
    assert match, "no JSON shown"
    return json.loads(html.unescape(match.group(1)))  # type: ignore[no-any-return]


def test_preview_shows_exactly_what_publishing_gives_vendors(
    owner: FlaskClient, services: Services
) -> None:
    services.profile.update({"name": "Ada Lovelace", "email": "ada@example.org"})
    services.preferences.set("clothing.size", "M")
    services.preferences.set("diet.secret", "undisclosed-value-xyz")
    response = write(owner, action="preview", disclosure=["clothing.size"])
    rfp = only_rfp(services)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/rfps/{rfp['id']}/preview"
    page = owner.get(f"/rfps/{rfp['id']}/preview").get_data(as_text=True)
    previewed = shown_json(page)
    assert previewed["disclosed"] == {"clothing.size": "M"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z", previewed["published_at"])
    seen = page[page.index('<section aria-labelledby="rendered">') : page.index("</pre>")]
    assert "Clothing: size: M" in seen
    for private in ("Ada Lovelace", "ada@example.org", "undisclosed-value-xyz", rfp["id"]):
        assert private not in seen
    assert press(owner, f"/rfps/{rfp['id']}/preview", f"/rfps/{rfp['id']}/publish").status_code == (
        303
    )
    view = public_view(services.rfps.get(rfp["id"]))
    assert {**previewed, "published_at": None} == {**view, "published_at": None}
    assert shown_json(owner.get(f"/rfps/{rfp['id']}/preview").get_data(as_text=True)) == view


def test_publish_from_the_form(owner: FlaskClient, services: Services) -> None:
    response = write(owner, action="publish")
    rfp = only_rfp(services)
    assert response.status_code == 303
    assert rfp["status"] == "open"
    assert flashed(owner, f"/rfps/{rfp['id']}") == [
        f"Published: vendors see it as {rfp['pseudonym']}."
    ]


def test_publish_refused_goes_back_to_the_form_with_the_reasons(
    owner: FlaskClient, services: Services
) -> None:
    response = write(owner, action="publish", deadline=local(-1), disclosure=["no.such"])
    page = response.get_data(as_text=True)
    rfp = only_rfp(services)
    assert response.status_code == 422
    assert "Saved as a draft, but not published: correct the fields marked below." in page
    assert error_of(page, "deadline") == "Must be in the future."
    assert error_of(page, "disclosure") == "No preference no.such."
    assert rfp["status"] == "draft"
    assert f'action="/rfps/{rfp["id"]}/edit"' in page


# -- list, close, withdraw ------------------------------------------------------------------


def test_the_list_filters_by_status_and_counts_live_offers(
    owner: FlaskClient, services: Services
) -> None:
    services.rfps.draft({**_minimal(), "title": "A tent"})
    rfp = published(services)
    first, second = register(services, "Velo Shop"), register(services, "Rad Haus")
    offer(services, rfp, first)
    withdrawn = offer(services, rfp, second)
    services.offers.withdraw(withdrawn["id"], second)
    page = owner.get("/rfps").get_data(as_text=True)
    assert "Write an RFP" in page
    rows = re.findall(
        r"<tr>\s*<td><a[^>]*>([^<]+)</a></td>.*?<td class=\"num\">(\d+)</td>", page, re.S
    )
    assert rows == [("A silver road bike", "1"), ("A tent", "0")]
    drafts = owner.get("/rfps?status=draft").get_data(as_text=True)
    assert "A tent" in drafts and "A silver road bike" not in drafts
    response = owner.get("/rfps?status=lost")
    assert response.status_code == 400
    assert error_of(response.get_data(as_text=True), "status") == (
        "Must be one of: draft, open, awarded, closed, expired, withdrawn."
    )


def _minimal() -> dict[str, Any]:
    return {
        "title": "A silver road bike",
        "category": "bikes",
        "budget": {"max": "900", "currency": "EUR"},
        "deadline": local() + ":00Z",
    }


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("close", "closed", "Closed: no more offers are taken. The vendors who made one are told."),
        (
            "withdraw",
            "withdrawn",
            "Withdrawn: the RFP is off the feed, and the vendors who made an offer are told.",
        ),
    ],
)
def test_close_and_withdraw(
    owner: FlaskClient, services: Services, action: str, status: str, message: str
) -> None:
    rfp = published(services)
    page = f"/rfps/{rfp['id']}"
    assert press(owner, page, f"{page}/{action}").status_code == 303
    assert services.rfps.get(rfp["id"])["status"] == status
    assert flashed(owner, page) == [message]
    assert f'action="{page}/close"' not in owner.get(page).get_data(as_text=True)


def test_a_refused_move_is_a_message_on_the_rfp_page(
    owner: FlaskClient, services: Services
) -> None:
    rfp = services.rfps.draft(_minimal())
    page = f"/rfps/{rfp['id']}"
    token = csrf_of(owner.get(page).get_data(as_text=True))
    response = owner.post(f"{page}/close", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == page
    assert flashed(owner, page) == [f"Not done: rfp {rfp['id']} cannot go from draft to closed"]
    assert services.rfps.get(rfp["id"])["status"] == "draft"


def test_an_unknown_rfp_is_not_found(owner: FlaskClient) -> None:
    response = owner.get("/rfps/0190f0f0-0000-7000-8000-000000000000")
    assert response.status_code == 404
    assert "no rfp 0190f0f0-0000-7000-8000-000000000000" in response.get_data(as_text=True)


def test_the_public_feed_is_still_served_beside_the_pages(
    owner: FlaskClient, services: Services
) -> None:
    rfp = published(services)
    response = owner.get("/rfps/feed")
    assert response.status_code == 200
    assert response.get_json()["items"] == [public_view(rfp)]


# -- comparing offers ------------------------------------------------------------------


@pytest.fixture
def compared(services: Services) -> dict[str, Any]:
    """An open RFP with two offers: Velo Shop dearer but sooner, Rad Haus cheaper but later."""
    rfp = published(services)
    velo, rad = register(services, "Velo Shop"), register(services, "Rad Haus")
    offers = {
        "velo": offer(services, rfp, velo, price="799.00", delivery_date="2030-03-20"),
        "rad": offer(
            services, rfp, rad, price="699.00", delivery_date="2030-04-01", line_items=None
        ),
    }
    return {"rfp": rfp, "velo": velo, "rad": rad, "offers": offers}


def vendor_columns(page: str) -> list[str]:
    return re.findall(r'<th scope="col" id="vendor-[^"]+">([^<]+)</th>', page)


def test_offers_side_by_side_sorted_by_price_or_delivery(
    owner: FlaskClient, compared: dict[str, Any]
) -> None:
    page = f"/rfps/{compared['rfp']['id']}"
    text = owner.get(page).get_data(as_text=True)
    assert vendor_columns(text) == ["Velo Shop", "Rad Haus"]
    for cell in ("€799.00", "€699.00", "20 Mar 2030", "Two years warranty.", "In stock in silver."):
        assert cell in text
    assert "1 × Road bike, size M at €799.00" in text
    assert f'href="{page}?sort=price"' in text
    assert vendor_columns(owner.get(f"{page}?sort=price").get_data(as_text=True)) == [
        "Rad Haus",
        "Velo Shop",
    ]
    by_delivery = owner.get(f"{page}?sort=delivery_date").get_data(as_text=True)
    assert vendor_columns(by_delivery) == ["Velo Shop", "Rad Haus"]
    response = owner.get(f"{page}?sort=colour")
    assert response.status_code == 400
    assert error_of(response.get_data(as_text=True), "sort") == (
        "Sort by one of: price, delivery_date."
    )


def test_each_vendor_comes_with_the_owners_history(
    owner: FlaskClient, services: Services, compared: dict[str, Any]
) -> None:
    velo = services.consent.vendor_for(services.clients.get(compared["velo"]))  # its own
    for day in ("2024-05-01", "2025-01-15"):
        services.purchases.add(
            {"vendor_id": velo["id"], "date": day, "currency": "EUR", "total": "10"}
        )
    services.interactions.log(
        {"kind": "conversation", "date": "2025-02-01", "counterpart_id": velo["id"]}
    )
    for scopes in (["openid"], ["openid", "purchases:read"]):
        services.grants.create(
            client_id=compared["velo"], scopes=scopes, terms_version=1, vendor_id=velo["id"]
        )
    [grant, _] = services.grants.list(client_id=compared["velo"])
    services.grants.revoke(grant["id"])
    text = owner.get(f"/rfps/{compared['rfp']['id']}").get_data(as_text=True)
    cells = dict(re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', text, re.S))
    assert re.findall(r"<td>(.*?)</td>", cells["Your purchases from them"]) == [
        "2, last 15 Jan 2025",
        "none (not in your relationships)",
    ]
    assert re.findall(r"<td>(.*?)</td>", cells["Grants"]) == [
        "1 active of 2 permissions",
        "0 active of 0 permissions",
    ]
    assert re.findall(r"<td>(.*?)</td>", cells["Interactions"]) == [
        "3, last 1 Feb 2025",
        "none",
    ]


def test_decline_tells_the_vendor_not_selected(
    owner: FlaskClient, services: Services, compared: dict[str, Any]
) -> None:
    page = f"/rfps/{compared['rfp']['id']}"
    rad = compared["offers"]["rad"]
    assert press(owner, page, f"{page}/offers/{rad['id']}/decline").status_code == 303
    assert services.offers.get(rad["id"])["status"] == "not_selected"
    assert flashed(owner, page) == [
        "Declined the offer of Rad Haus; it is told it was not selected."
    ]


def test_award_shares_shipping_only_when_asked(
    owner: FlaskClient, services: Services, compared: dict[str, Any]
) -> None:
    page = f"/rfps/{compared['rfp']['id']}"
    velo, rad = compared["offers"]["velo"], compared["offers"]["rad"]
    text = owner.get(page).get_data(as_text=True)
    assert (
        f'<label for="share-{velo["id"]}">Share my shipping address with the winner '
        "(asks my consent first)</label>"
    ) in text
    response = press(owner, page, f"{page}/offers/{velo['id']}/award", share_shipping="yes")
    assert response.status_code == 303
    assert services.rfps.get(compared["rfp"]["id"])["status"] == "awarded"
    assert services.offers.get(velo["id"])["status"] == "awarded"
    assert services.offers.get(rad["id"])["status"] == "not_selected"
    assert flashed(owner, page) == [
        "Awarded to Velo Shop. The other vendors are told they were not selected. "
        "Velo Shop will ask for your consent before it sees your shipping address."
    ]
    assert f"{page}/offers/{rad['id']}/award" not in owner.get(page).get_data(as_text=True)


def test_an_offer_of_another_rfp_is_not_found(
    owner: FlaskClient, services: Services, compared: dict[str, Any]
) -> None:
    other = published(services, title="A tent")
    velo = compared["offers"]["velo"]
    token = csrf_of(owner.get("/rfps").get_data(as_text=True))
    response = owner.post(
        f"/rfps/{other['id']}/offers/{velo['id']}/award", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert services.offers.get(velo["id"])["status"] == "live"


def test_the_owner_answers_a_vendors_question(
    owner: FlaskClient, services: Services, compared: dict[str, Any]
) -> None:
    page = f"/rfps/{compared['rfp']['id']}"
    velo = compared["offers"]["velo"]
    services.offers.ask(velo["id"], compared["velo"], "Do you need a kickstand?")
    action = f"{page}/offers/{velo['id']}/answer"
    text = owner.get(page).get_data(as_text=True)
    assert "Do you need a kickstand?" in text
    assert f'<label for="answer-{velo["id"]}">Your answer to Velo Shop</label>' in text
    blank = press(owner, page, action, text="   ")
    assert blank.status_code == 422
    assert error_of(blank.get_data(as_text=True), f"answer-{velo['id']}") == "Must not be blank."
    assert press(owner, page, action, text="Yes, please.").status_code == 303
    assert [m["text"] for m in services.offers.get(velo["id"])["thread"]] == [
        "Do you need a kickstand?",
        "Yes, please.",
    ]
    assert f'action="{action}"' not in owner.get(page).get_data(as_text=True)


def test_every_action_refuses_a_post_without_the_csrf_token(
    owner: FlaskClient, services: Services, compared: dict[str, Any]
) -> None:
    draft = services.rfps.draft(_minimal())
    for action in ("publish", "edit"):
        response = owner.post(f"/rfps/{draft['id']}/{action}", data=form(owner, csrf_token=None))
        assert response.status_code == 400, action
    assert services.rfps.get(draft["id"])["status"] == "draft"
    page = f"/rfps/{compared['rfp']['id']}"
    velo = compared["offers"]["velo"]
    services.offers.ask(velo["id"], compared["velo"], "Do you need a kickstand?")
    amended = owner.post(f"{page}/amend", data=form(owner, csrf_token=None, budget_max="950"))
    answered = owner.post(f"{page}/offers/{velo['id']}/answer", data={"text": "Yes."})
    assert (amended.status_code, answered.status_code) == (400, 400)
    for action in (
        "close",
        "withdraw",
        *(f"offers/{velo['id']}/{a}" for a in ("award", "decline")),
    ):
        response = owner.post(f"{page}/{action}", data={"share_shipping": "yes"})
        assert response.status_code == 400, action
    assert services.rfps.get(compared["rfp"]["id"])["budget"]["max"] == "900"
    assert services.rfps.get(compared["rfp"]["id"])["status"] == "open"
    assert services.offers.get(velo["id"])["status"] == "live"
    assert len(services.offers.get(velo["id"])["thread"]) == 1


def test_preview_of_a_revealed_identity_shows_the_buyer_as_publish_freezes_it(
    owner: FlaskClient, services: Services
) -> None:
    services.profile.update({"given_name": "Ada", "family_name": "Lovelace"})
    write(owner, reveal_identity="yes")
    rfp = only_rfp(services)
    previewed = shown_json(owner.get(f"/rfps/{rfp['id']}/preview").get_data(as_text=True))
    assert previewed["buyer"] == {"name": "Ada Lovelace", "email": None}
    services.rfps.publish(rfp["id"])
    view = public_view(services.rfps.get(rfp["id"]))
    assert {**previewed, "published_at": None} == {**view, "published_at": None}


# -- amending ----------------------------------------------------------------------------


def test_amend_changes_what_an_open_rfp_asks_for(owner: FlaskClient, services: Services) -> None:
    write(owner, action="publish")
    rfp = only_rfp(services)
    page = f"/rfps/{rfp['id']}/amend"
    text = owner.get(page).get_data(as_text=True)
    assert 'id="title"' not in text and 'id="category"' not in text
    assert '<label for="description">Description</label>' in text
    data = form(owner, description="Light, with mudguards.", budget_max="950", deadline=local(9))
    data = {k: v for k, v in data.items() if k not in ("title", "category", "action")}
    assert owner.post(page, data=data).status_code == 303
    amended = services.rfps.get(rfp["id"])
    assert amended["description"] == "Light, with mudguards."
    assert amended["budget"] == {"min": "500", "max": "950", "currency": "EUR"}
    assert amended["deadline"] == local(9).replace(" ", "T") + ":00Z"
    assert flashed(owner, f"/rfps/{rfp['id']}") == [
        "Amended: the vendors who can see it are sent the new version."
    ]


def test_amend_refusals_show_beside_the_fields(owner: FlaskClient, services: Services) -> None:
    write(owner, action="publish")
    rfp = only_rfp(services)
    page = f"/rfps/{rfp['id']}/amend"
    response = owner.post(page, data=form(owner, deadline=local(1), budget_currency="USD"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not amended: correct the fields marked below." in text
    assert error_of(text, "deadline") == "Must not be earlier than the current deadline."
    assert error_of(text, "budget_currency") == "Cannot be changed once published."
    assert f'value="{local(1)}"' in text
    assert services.rfps.get(rfp["id"])["deadline"] == rfp["deadline"]
    unchanged = owner.post(page, data=form(owner))
    assert unchanged.status_code == 303
    assert flashed(owner, f"/rfps/{rfp['id']}") == ["Nothing changed."]


def test_only_an_open_rfp_can_be_amended(owner: FlaskClient, services: Services) -> None:
    rfp = services.rfps.draft(_minimal())
    response = owner.get(f"/rfps/{rfp['id']}/amend")
    assert response.status_code == 303
    assert flashed(owner, f"/rfps/{rfp['id']}") == [
        "This RFP is draft; only an open RFP can be amended."
    ]


# -- the delivery log ----------------------------------------------------------------------


def subscribe(services: Services, client_id: str) -> None:
    services.subscriptions.subscribe(
        client_id, {"url": "http://127.0.0.1:9/hooks", "categories": ["bikes"]}
    )


def test_the_delivery_log_shows_each_event_and_its_attempts(
    owner: FlaskClient, services: Services
) -> None:
    shop = register(services, "Velo Shop")
    subscribe(services, shop)
    rfp = published(services)
    [delivery] = services.webhooks.deliveries(rfp_id=rfp["id"])
    services.webhooks.record_attempt(delivery["id"], 503, None, 41)
    services.webhooks.record_attempt(delivery["id"], None, "connection refused", 2)
    page = f"/rfps/{rfp['id']}/deliveries"
    assert f'href="{page}"' in owner.get(f"/rfps/{rfp['id']}").get_data(as_text=True)
    text = owner.get(page).get_data(as_text=True)
    [row] = re.findall(r"<tbody>(.*?)</tbody>", text, re.S)
    assert "The RFP was published" in row
    assert "<code>rfp.published</code>" in row  # in the technical details
    assert "<td>Velo Shop</td>" in row
    assert "<td>pending</td>" in row
    assert re.findall(r"<li>\d+ \w{3} \d{4}, [0-9:]+: (.*?)</li>", row) == [
        "HTTP 503 (41 ms)",
        "connection refused (2 ms)",
    ]
    next_at = services.webhooks.get(delivery["id"])["next_attempt_at"]
    shown = format_datetime(datetime.fromisoformat(next_at), "d MMM y, HH:mm", locale="en_GB")
    assert f"<td>{shown}</td>" in row


def test_an_rfp_nobody_heard_of_has_an_empty_log(owner: FlaskClient, services: Services) -> None:
    rfp = published(services)
    text = owner.get(f"/rfps/{rfp['id']}/deliveries").get_data(as_text=True)
    assert "Nothing was sent about this RFP: no vendor is subscribed to it." in text


def retention_of(html: str) -> str:
    [said] = re.findall(r'<p class="quiet" id="log-retention">(.*?)</p>', html, re.S)
    return " ".join(said.split())


def test_the_delivery_log_says_how_long_finished_deliveries_are_kept(
    owner: FlaskClient, services: Services
) -> None:
    page = f"/rfps/{published(services)['id']}/deliveries"
    html = owner.get(page).get_data(as_text=True)
    assert retention_of(html) == (
        "Delivered and failed messages are removed from this log 90 days after their last "
        "attempt; messages still being tried are kept."
    )
    assert (
        "Set by <code>PDS_WEBHOOK_LOG_DAYS</code> (days; 0 keeps them for good)."
        in (html.split('id="log-retention"')[1].split("</details>")[0])
    )
    german = owner.get(page, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert retention_of(german).startswith(
        "Zugestellte und fehlgeschlagene Nachrichten werden 90 Tage nach ihrem letzten Versuch"
    )


@pytest.mark.parametrize(
    ("app_overrides", "said"),
    [
        ({"webhook_log_days": 1}, "removed from this log 1 day after their last attempt"),
        ({"webhook_log_days": 0}, "kept in this log for good"),
    ],
)
def test_the_delivery_log_tells_the_retention_the_store_keeps(
    owner: FlaskClient, services: Services, said: str
) -> None:
    page = f"/rfps/{published(services)['id']}/deliveries"
    assert said in retention_of(owner.get(page).get_data(as_text=True))


@pytest.mark.parametrize("share", [True, False])
def test_the_winner_is_told_how_to_ask_for_the_address_only_when_shared(
    owner: FlaskClient, services: Services, compared: dict[str, Any], share: bool
) -> None:
    subscribe(services, compared["velo"])
    page = f"/rfps/{compared['rfp']['id']}"
    velo = compared["offers"]["velo"]
    fields = {"share_shipping": "yes"} if share else {}
    press(owner, page, f"{page}/offers/{velo['id']}/award", **fields)
    [told] = [
        d
        for d in services.webhooks.deliveries(rfp_id=compared["rfp"]["id"])
        if d["event"] == "offer.awarded"
    ]
    consent = json.loads(told["body"])["data"]["consent"]
    assert (consent is not None) is share


def test_the_budget_takes_a_decimal_comma_and_refuses_what_reads_two_ways(
    owner: FlaskClient, services: Services
) -> None:
    response = write(owner, budget_min=None, budget_max="120,00")
    assert response.status_code == 303
    assert only_rfp(services)["budget"]["max"] == "120.00"
    refused = write(owner, budget_min=None, budget_max="1.000")
    assert refused.status_code == 422
    assert error_of(refused.get_data(as_text=True), "budget_max").startswith(
        "1.000 could be a thousand or a fraction"
    )
    assert len(services.rfps.list()) == 1


def test_the_deadline_is_typed_in_the_owners_time_zone(
    owner: FlaskClient, services: Services
) -> None:
    services.profile.update({"zoneinfo": "Europe/Berlin"})
    assert "In your time zone, Central European Time" in owner.get("/rfps/new").get_data(True)
    write(owner, deadline="2030-01-10T12:00")
    rfp = only_rfp(services)
    assert rfp["deadline"] == "2030-01-10T11:00:00Z"
    edit_page = owner.get(f"/rfps/{rfp['id']}/edit").get_data(as_text=True)
    assert 'value="2030-01-10T12:00"' in edit_page
    shown = owner.get(f"/rfps/{rfp['id']}").get_data(as_text=True)
    assert "offers until 10 Jan 2030, 12:00 (Central European Time)" in shown


def test_the_rfp_form_and_page_speak_german(owner: FlaskClient, services: Services) -> None:
    services.profile.update({"language": "de"})
    page = owner.get("/rfps/new").get_data(as_text=True)
    assert "<h1>Eine Anfrage schreiben</h1>" in page
    assert '<label for="req-0-key">Anforderung 1: Schlüssel</label>' in page
    assert '<button type="submit" name="action" value="save">Entwurf speichern</button>' in page
    response = write(owner)
    assert response.status_code == 303
    shown = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Entwurf gespeichert. Anbieter sehen nichts davon, bis Sie ihn veröffentlichen." in shown
    assert '<h2 id="actions">Was Sie tun können</h2>' in shown
    assert "<dt>Anforderungen</dt>" in shown and "Status <strong>Entwurf</strong>" in shown
    assert "<td>Entwurf</td>" in owner.get("/rfps").get_data(as_text=True)
    refused = write(owner, title="")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Nicht gespeichert: Korrigieren Sie die unten markierten Felder." in text


def test_a_refused_move_is_said_in_german_with_the_reason_in_english(
    owner: FlaskClient, services: Services
) -> None:
    services.profile.update({"language": "de"})
    rfp = services.rfps.draft(_minimal())
    page = f"/rfps/{rfp['id']}"
    token = csrf_of(owner.get(page).get_data(as_text=True))
    owner.post(f"{page}/close", data={"csrf_token": token})
    reason = f"rfp {rfp['id']} cannot go from draft to closed"
    assert flashed(owner, page) == [f"Nicht ausgeführt: {reason}"]


def test_an_unknown_rfp_is_not_found_in_german(owner: FlaskClient, services: Services) -> None:
    services.profile.update({"language": "de"})
    page = "/rfps/0190f0f0-0000-7000-8000-000000000000"
    response = owner.get(page, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert '<h1 id="error-title">404 · Nicht gefunden</h1>' in response.get_data(as_text=True)
