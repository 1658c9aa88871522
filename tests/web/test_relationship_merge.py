"""Merging in the portal: the chooser (duplicates first), the confirmation, the merge with
its undo button, CSRF, and bad input answered with the chooser and 422."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of, services_of

MISSING = "01900000-0000-7000-8000-000000000000"


@pytest.fixture
def twins(app: Flask) -> dict[str, Any]:
    services = services_of(app)
    keep = services.relationships.add(
        {"kind": "person", "name": "Jonas Becker", "phones": ["+49 30 1234567"]}
    )
    other = services.relationships.add(
        {"kind": "person", "name": "Jonas B.", "emails": ["jb@example.org"]}
    )
    stranger = services.relationships.add({"kind": "vendor", "name": "Velo Shop"})
    services.interactions.log({"kind": "call", "date": "2026-01-05", "counterpart_id": other["id"]})
    return {"keep": keep, "other": other, "stranger": stranger}


def _merge(owner: FlaskClient, keep: str, other: str) -> Any:
    page = owner.get(f"/relationships/{keep}/merge/confirm?other={other}").get_data(True)
    return owner.post(
        f"/relationships/{keep}/merge", data={"csrf_token": csrf_of(page), "other": other}
    )


def _names(services: Services) -> set[str]:
    return {r["name"] for r in services.relationships.all_records()}


def test_the_chooser_lists_likely_duplicates_first(
    owner: FlaskClient, twins: dict[str, Any]
) -> None:
    record = owner.get(f"/relationships/{twins['keep']['id']}").get_data(True)
    assert f"/relationships/{twins['keep']['id']}/merge" in record  # the "Merge with…" link
    page = owner.get(f"/relationships/{twins['keep']['id']}/merge").get_data(True)
    duplicates = page.split('id="duplicates"')[1].split("</section>")[0]
    assert "Jonas B." in duplicates and "Velo Shop" not in duplicates
    assert "Velo Shop (vendor)" in page  # any other record, in the chooser


def test_confirm_says_what_moves_and_merge_redirects_with_undo(
    owner: FlaskClient, app: Flask, twins: dict[str, Any]
) -> None:
    keep, other = twins["keep"]["id"], twins["other"]["id"]
    page = owner.get(f"/relationships/{keep}/merge/confirm?other={other}").get_data(True)
    assert "To Jonas Becker: 1 interaction." in page
    response = _merge(owner, keep, other)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/relationships/{keep}"
    shown = owner.get(response.headers["Location"]).get_data(True)
    assert "Merged Jonas B. into Jonas Becker: 1 interaction." in shown
    assert "Undo merge" in shown
    services = services_of(app)
    assert _names(services) == {"Jonas Becker", "Velo Shop"}
    assert services.relationships.get(keep)["emails"] == ["jb@example.org"]
    undone = owner.post("/relationships/merge/undo", data={"csrf_token": csrf_of(shown)})
    assert undone.status_code == 303 and undone.headers["Location"] == f"/relationships/{other}"
    assert "a record of its own again" in owner.get(undone.headers["Location"]).get_data(True)
    assert services.relationships.get(keep) == twins["keep"]
    assert services.interactions.count_with(other) == 1
    assert "Undo merge" not in owner.get(f"/relationships/{keep}").get_data(True)


def test_merge_and_undo_need_the_csrf_token(
    owner: FlaskClient, app: Flask, twins: dict[str, Any]
) -> None:
    keep, other = twins["keep"]["id"], twins["other"]["id"]
    refused = owner.post(f"/relationships/{keep}/merge", data={"other": other})
    assert refused.status_code == 400
    assert owner.post("/relationships/merge/undo", data={}).status_code == 400
    assert _names(services_of(app)) == {"Jonas Becker", "Jonas B.", "Velo Shop"}


@pytest.mark.parametrize(
    ("other", "status", "message"),
    [
        ("self", 422, "Choose another relationship to merge with."),
        (MISSING, 422, f"No relationship {MISSING}."),
        ("", 422, "Choose the record to merge with."),
    ],
)
def test_bad_choices_show_the_chooser_again(
    owner: FlaskClient, app: Flask, twins: dict[str, Any], other: str, status: int, message: str
) -> None:
    keep = twins["keep"]["id"]
    chosen = keep if other == "self" else other
    response = _merge(owner, keep, chosen)
    assert response.status_code == status
    page = response.get_data(True)
    assert message in page and 'id="duplicates"' in page
    assert _names(services_of(app)) == {"Jonas Becker", "Jonas B.", "Velo Shop"}


def test_a_person_cannot_take_a_vendors_purchases(
    owner: FlaskClient, app: Flask, twins: dict[str, Any]
) -> None:
    shop = twins["stranger"]["id"]
    services_of(app).purchases.add(
        {"vendor_id": shop, "date": "2026-01-02", "currency": "EUR", "total": "3"}
    )
    response = _merge(owner, twins["keep"]["id"], shop)
    assert response.status_code == 409
    assert "only a vendor can have" in response.get_data(True)
    assert _names(services_of(app)) == {"Jonas Becker", "Jonas B.", "Velo Shop"}


def test_undo_with_nothing_to_undo_goes_back_with_the_reason(owner: FlaskClient) -> None:
    page = owner.get("/relationships").get_data(True)
    response = owner.post("/relationships/merge/undo", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 404
    assert "no merge to undo" in response.get_data(True)
