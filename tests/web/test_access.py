"""The owner's access pages: vendors and grants (block, revoke) and the access log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from pds.services.identity.access_log import MAX_RECORD_IDS
from tests.api.conftest import ALL_SCOPES, Api, seed
from tests.auth.clientkit import RfpVendor
from tests.auth.vendorkit import Vendor, authorized_tokens
from tests.conftest import HIDDEN, csrf_of
from tests.services.conftest import audit_events


def press(owner: FlaskClient, page: str, action: str) -> Any:
    """Submit the form of ``page`` whose action is ``action`` (with its CSRF token)."""
    html = owner.get(page).get_data(as_text=True)
    assert f'action="{action}"' in html, action
    return owner.post(action, data={"csrf_token": csrf_of(html)})


def test_vendors_page_lists_clients_and_grants(owner: FlaskClient, vendor: Vendor) -> None:
    assert "No grants: this vendor has no access." in owner.get("/vendors").get_data(as_text=True)
    authorized_tokens(owner, vendor)
    html = owner.get("/vendors").get_data(as_text=True)
    assert "Example Shop" in html
    assert ">Revoke</button>" in html
    words, details = html.split("<summary>Technical details</summary>", 1)
    for title in ("Sign you in", "Keep access while you are away", "See your purchases"):
        assert f"<li>{title}</li>" in words
    assert "(verified: you are sent back there)" in words
    assert "purchases:read" not in words and vendor.client_id not in words
    assert "openid profile offline_access purchases:read" in details
    assert f"<code>{vendor.client_id}</code>" in details


def test_owner_revokes_in_the_portal_and_the_next_call_is_refused(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    tokens = authorized_tokens(owner, vendor)
    assert vendor.userinfo(tokens["access_token"]).status_code == 200
    [grant] = services.grants.list(client_id=vendor.client_id)
    response = press(owner, "/vendors", f"/grants/{grant['id']}/revoke")
    assert response.status_code == 303
    assert vendor.userinfo(tokens["access_token"]).status_code == 401
    assert "Access revoked" in owner.get("/vendors").get_data(as_text=True)


def test_owner_blocks_a_vendor(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    assert press(owner, "/vendors", f"/vendors/{vendor.client_id}/block").status_code == 303
    assert vendor.userinfo(tokens["access_token"]).status_code == 401
    html = owner.get("/vendors").get_data(as_text=True)
    assert "Example Shop (blocked)" in html
    assert owner.get(vendor.authorize_path()).status_code == 400
    press(owner, "/vendors", f"/vendors/{vendor.client_id}/unblock")
    assert owner.get(vendor.authorize_path()).status_code == 200


def test_revoke_needs_the_csrf_token(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    authorized_tokens(owner, vendor)
    [grant] = services.grants.list(client_id=vendor.client_id)
    assert owner.post(f"/grants/{grant['id']}/revoke").status_code == 400
    assert services.grants.get(grant["id"])["status"] == "active"


def test_unknown_grant_is_a_clear_message(owner: FlaskClient) -> None:
    html = owner.get("/vendors").get_data(as_text=True)
    response = owner.post(
        "/grants/0190f0f0-0000-7000-8000-000000000000/revoke", data={"csrf_token": csrf_of(html)}
    )
    assert response.status_code == 404


def test_access_log_shows_what_a_vendor_did(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    vendor.userinfo(tokens["access_token"])
    html = owner.get(f"/access-log?vendor={vendor.client_id}").get_data(as_text=True)
    assert "What Example Shop has seen" in html
    assert "1 visit to your store, 1 record sent" in html
    assert "Example Shop started using the access you allowed" in html
    assert "GET /oauth/userinfo" in html  # in the technical details
    assert "token.authorization_code" in html
    rows = re.findall(r"<tr>\s*<td>", html)
    assert len(rows) == 2


def test_access_log_filters_by_date(owner: FlaskClient, vendor: Vendor) -> None:
    authorized_tokens(owner, vendor)
    html = owner.get("/access-log?until=2000-01-01").get_data(as_text=True)
    assert "No vendor activity matches these filters." in html
    response = owner.get("/access-log?since=yesterday")
    assert response.status_code == 400
    assert "Use a date like 2026-01-31." in response.get_data(as_text=True)


def test_access_pages_need_the_owner(client: FlaskClient) -> None:
    for page in ("/vendors", "/access-log"):
        assert client.get(page).status_code == 302


def test_a_standing_grant_reads_as_what_it_allows(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    """Client credentials for RFP work: named for what they allow; blocking stops them
    (a revoked standing grant would be made again at the vendor's next token request)."""
    services.grants.standing_for_client(vendor.client_id)
    html = owner.get("/vendors").get_data(as_text=True)
    assert "<td>may answer your RFPs</td>" in html
    assert "Block the vendor to stop it" in html and ">Revoke</button>" not in html


HOLDING_BACK = {"rfp_vendors_need_approval": True, "webhooks_enabled": False}


@pytest.mark.parametrize("app_overrides", [HOLDING_BACK])
def test_a_new_rfp_vendor_is_held_back_until_the_owner_approves(
    owner: FlaskClient, app: Any, services: Any, vendor: Vendor
) -> None:
    velo = RfpVendor.register(app.test_client(), "Velo Shop")
    html = owner.get("/vendors").get_data(as_text=True)
    assert 'Velo Shop <span class="badge new">new</span></h2>' in html
    assert "Your RFPs are held back from it until you approve it." in html
    assert "Example Shop</h2>" in html  # the code flow vendor is not "new"
    refused = velo.request_token()
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "unauthorized_client"
    assert refused.get_json()["error_description"].startswith("Awaiting the owner's approval")
    assert services.grants.list(client_id=velo.client_id) == []  # no standing grant made
    assert press(owner, "/vendors", f"/vendors/{velo.client_id}/approve").status_code == 303
    html = owner.get("/vendors").get_data(as_text=True)
    assert "Velo Shop is approved: it may answer your RFPs." in html
    assert "badge new" not in html and "Velo Shop</h2>" in html
    bearer = {"Authorization": f"Bearer {velo.access_token()}"}
    assert velo.http.get("/api/v1/rfps", headers=bearer).status_code == 200
    approvals = [e for e in audit_events(services.store) if e["action"] == "client.approve"]
    assert approvals == [{"actor": "owner", "action": "client.approve", "target": velo.client_id}]


def test_by_default_a_new_rfp_vendor_is_shown_as_new_and_may_answer(
    owner: FlaskClient, app: Any
) -> None:
    velo = RfpVendor.register(app.test_client(), "Velo Shop")
    html = owner.get("/vendors").get_data(as_text=True)
    assert 'Velo Shop <span class="badge new">new</span></h2>' in html
    assert "It may answer your RFPs already; approving marks it as a vendor you know." in html
    assert velo.request_token().status_code == 200


def test_approving_needs_the_csrf_token(owner: FlaskClient, app: Any, services: Any) -> None:
    velo = RfpVendor.register(app.test_client(), "Velo Shop")
    assert owner.post(f"/vendors/{velo.client_id}/approve").status_code == 400
    assert "approved_at" not in services.clients.get(velo.client_id)


def test_a_client_name_cannot_reorder_itself_in_the_portal(
    owner: FlaskClient, app: Any, services: Any
) -> None:
    """RLO would show "Example Shop\u202epohS rehtO" as "Example ShopOther Shop": the
    name, and every other string of the registration, loses the characters as it enters."""
    sneaky = Vendor.register(
        app.test_client(),
        client_name="Example Shop\u202epohS rehtO\u200b",
        client_uri="https://shop.example/\u2066x\u2069",
    )
    stored = services.clients.get(sneaky.client_id)
    assert stored["client_name"] == "Example ShoppohS rehtO"
    assert stored["client_uri"] == "https://shop.example/x"
    for page in (owner.get("/vendors"), owner.get(sneaky.authorize_path())):
        html = page.get_data(as_text=True)
        assert "Example ShoppohS rehtO" in html
        assert not set(HIDDEN) & set(html)


def test_vendor_page_lists_the_records_it_was_sent(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    made = seed(services)
    tokens = authorized_tokens(owner, vendor, scope=ALL_SCOPES)
    api = Api(vendor, tokens["access_token"], made)
    assert api.get("/purchases?limit=2").status_code == 200
    assert api.get("/preferences").status_code == 200
    gone = made["own"][-1]
    services.purchases.delete(gone["id"])
    html = owner.get(f"/access-log?vendor={vendor.client_id}").get_data(as_text=True)
    assert "Records it was sent" in html
    assert "Preference: Clothing: size" in html
    assert "Purchase of 10 May 2025, Example Shop, €5.50" in html
    assert "A purchase <em>(since deleted)</em>" in html
    assert "diet.kind" not in html  # private: never sent, never listed


def test_audit_entry_names_at_most_the_bound_of_records(services: Any) -> None:
    ids = [f"purchase:{n}" for n in range(MAX_RECORD_IDS + 20)]
    services.access_log.record_call("shop", "g1", "GET /api/v1/purchases", len(ids), record_ids=ids)
    [event] = [e for e in audit_events(services.store) if e.get("action") == "api.call"]
    assert event["count"] == MAX_RECORD_IDS + 20
    assert event["records"] == ids[:MAX_RECORD_IDS]
    seen = services.access_log.records_seen("shop")
    assert [f"{s.kind}:{s.record_id}" for s in seen] == ids[:MAX_RECORD_IDS]


def test_revoke_and_block_are_danger_actions_behind_a_second_step(
    owner: FlaskClient, vendor: Vendor
) -> None:
    authorized_tokens(owner, vendor)
    html = owner.get("/vendors").get_data(as_text=True)
    for action, path in (
        ("Revoke", "/grants/"),
        ("Block Example Shop", f"/vendors/{vendor.client_id}/block"),
    ):
        opened = html.index(f">{action}…</summary>")
        details = html[
            html.rindex('<details class="confirm">', 0, opened) : html.index("</details>", opened)
        ]
        assert '<summary class="button danger"' in details and path in details
        assert '<button type="submit" class="danger"' in details
    assert "<script" not in html


def test_the_vendors_page_and_its_flash_speak_german(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    services.profile.update({"language": "de"})
    authorized_tokens(owner, vendor)
    html = owner.get("/vendors").get_data(as_text=True)
    assert "<h1>Anbieter &amp; Zugriff</h1>" in html
    assert "<caption>Freigaben</caption>" in html and ">Widerrufen</button>" in html
    assert "<li>Sie anmelden</li>" in html and "<li>Ihre Einkäufe sehen</li>" in html
    assert "Example Shop sperren…" in html
    [grant] = services.grants.list(client_id=vendor.client_id)
    assert press(owner, "/vendors", f"/grants/{grant['id']}/revoke").status_code == 303
    html = owner.get("/vendors").get_data(as_text=True)
    assert "Zugriff widerrufen. Die Tokens des Anbieters funktionieren" in html
    assert press(owner, "/vendors", f"/vendors/{vendor.client_id}/block").status_code == 303
    html = owner.get("/vendors").get_data(as_text=True)
    assert "Example Shop ist gesperrt; jede Freigabe dieses Anbieters ist widerrufen." in html
    assert "Example Shop (gesperrt)" in html


def test_the_access_log_speaks_german(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    services.profile.update({"language": "de"})
    tokens = authorized_tokens(owner, vendor)
    vendor.userinfo(tokens["access_token"])
    html = owner.get(f"/access-log?vendor={vendor.client_id}").get_data(as_text=True)
    assert "<h1>Zugriffsprotokoll</h1>" in html
    assert "Was Example Shop gesehen hat" in html
    assert "1 Besuch in Ihrem Datenspeicher, 1 Eintrag gesendet" in html
    assert "<caption>Neueste zuerst</caption>" in html
    response = owner.get("/access-log?since=yesterday")
    assert response.status_code == 400
    assert "Geben Sie ein Datum wie 2026-01-31 ein." in response.get_data(as_text=True)
