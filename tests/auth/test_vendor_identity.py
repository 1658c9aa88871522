"""A vendor is who it can prove to be: a client is linked to the owner's record of a
vendor only through the domain of its https redirect URIs, never by its name; the
consent page says which domain the owner goes back to, and when a name only looks
like a known vendor's. Pushed receipts land on the client's own record.

``tests/e2e/test_vendor_identity.py`` runs the impersonation against the real server.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from pds.services import Services
from tests.auth.vendorkit import Vendor, authorized_tokens

KNOWN = "Paper Lantern Books"
SCOPES = "openid purchases:read purchases:write relationship:read"
RECEIPT = {
    "date": "2026-01-05",
    "currency": "EUR",
    "items": [{"description": "A novel", "quantity": "1", "unit_price": "9.99"}],
}


@pytest.fixture
def bookshop(services: Services) -> dict[str, Any]:
    """The owner's record of the real bookshop, with three purchases."""
    shop = services.relationships.add(
        {"kind": "vendor", "name": KNOWN, "domain": "paperlanternbooks.com"}
    )
    for day in ("2025-01-10", "2025-02-10", "2025-03-10"):
        services.purchases.add(
            {"vendor_id": shop["id"], "date": day, "currency": "EUR", "total": "12.00"}
        )
    return shop


def register(client: FlaskClient, name: str, redirect_uri: str, **metadata: Any) -> Vendor:
    return Vendor.register(
        client,
        client_name=name,
        redirect_uris=[redirect_uri],
        **{"client_uri": None, **metadata},
    )


def consent_page(owner: FlaskClient, vendor: Vendor) -> str:
    return owner.get(vendor.authorize_path(SCOPES)).get_data(as_text=True)


def api(vendor: Vendor, token: str, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    return vendor.http.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


def linked_record(services: Services, vendor: Vendor) -> str:
    [grant] = services.grants.list(client_id=vendor.client_id)
    return str(grant["vendor_id"])


@pytest.mark.parametrize("name", [KNOWN, "paper lantern BOOKS", "Paper-Lantern Book"])
def test_a_name_never_links_to_a_known_vendor(
    owner: FlaskClient,
    client: FlaskClient,
    services: Services,
    bookshop: dict[str, Any],
    name: str,
) -> None:
    attacker = register(client, name, "https://attacker.example/callback")
    html = consent_page(owner, attacker)
    assert "You will be sent back to <strong>attacker.example</strong>" in html
    assert f"This is not the {KNOWN} you know: its site is attacker.example." in html
    assert "Yes: your records know" not in html

    token = authorized_tokens(owner, attacker, scope=SCOPES)["access_token"]
    assert api(attacker, token, "GET", "/purchases").get_json()["items"] == []
    own = services.relationships.get(linked_record(services, attacker))
    assert own["id"] != bookshop["id"] and own["domain"] == "attacker.example"
    assert api(attacker, token, "GET", "/relationship").get_json()["name"] == name


def test_the_domain_of_the_redirect_uris_links_to_the_vendor(
    owner: FlaskClient, client: FlaskClient, services: Services, bookshop: dict[str, Any]
) -> None:
    shop = register(
        client,
        "PLB Web Shop",
        "https://shop.paperlanternbooks.com/callback",
        client_uri="https://www.paperlanternbooks.com/",
    )
    html = consent_page(owner, shop)
    assert (
        "You will be sent back to <strong>paperlanternbooks.com</strong>"
        " (shop.paperlanternbooks.com)" in html
    )
    assert f"Yes: your records know paperlanternbooks.com as “{KNOWN}”, 3 purchases." in html

    token = authorized_tokens(owner, shop, scope=SCOPES)["access_token"]
    assert len(api(shop, token, "GET", "/purchases").get_json()["items"]) == 3
    assert linked_record(services, shop) == bookshop["id"]


def test_a_domain_that_only_contains_the_vendors_is_not_it(
    owner: FlaskClient, client: FlaskClient, services: Services, bookshop: dict[str, Any]
) -> None:
    attacker = register(client, "Lantern", "https://paperlanternbooks.com.attacker.example/cb")
    html = consent_page(owner, attacker)
    assert "You will be sent back to <strong>attacker.example</strong>" in html
    assert "No: you have no record of this vendor yet." in html
    authorized_tokens(owner, attacker, scope=SCOPES)
    assert linked_record(services, attacker) != bookshop["id"]


def test_a_local_app_gets_only_a_record_of_its_own(
    owner: FlaskClient, client: FlaskClient, services: Services, bookshop: dict[str, Any]
) -> None:
    local = register(client, KNOWN, "http://127.0.0.1:9/callback")
    html = consent_page(owner, local)
    assert "<strong>A local development app.</strong>" in html
    assert f"This is not the {KNOWN} you know: it has no web site of its own." in html

    first = authorized_tokens(owner, local, scope=SCOPES)["access_token"]
    assert api(local, first, "GET", "/purchases").get_json()["items"] == []
    authorized_tokens(owner, local, scope=SCOPES)  # a second grant: the same record
    own = {grant["vendor_id"] for grant in services.grants.list(client_id=local.client_id)}
    assert len(own) == 1 and bookshop["id"] not in own
    assert "Yes: your records know this app as “Paper Lantern Books”." in consent_page(owner, local)

    other = register(client, KNOWN, "http://127.0.0.1:9/callback")
    authorized_tokens(owner, other, scope=SCOPES)
    assert linked_record(services, other) not in {*own, bookshop["id"]}


def test_a_pushed_receipt_lands_on_the_clients_own_record(
    owner: FlaskClient, client: FlaskClient, services: Services, bookshop: dict[str, Any]
) -> None:
    attacker = register(client, KNOWN, "https://attacker.example/callback")
    token = authorized_tokens(owner, attacker, scope=SCOPES)["access_token"]
    pushed = api(attacker, token, "POST", "/purchases", json=RECEIPT)
    assert pushed.status_code == 201, pushed.get_json()
    stored = services.purchases.get(pushed.get_json()["id"])
    assert stored["vendor_id"] == linked_record(services, attacker) != bookshop["id"]
    assert services.purchases.count_for_vendor(bookshop["id"]) == 3
