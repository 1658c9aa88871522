"""GET/POST /api/v1/purchases: only what the grant reaches, in pages; receipts pushed in."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.conftest import HIDDEN


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [p["id"] for p in response.get_json()["items"]]


def test_default_reach_is_the_vendors_own_purchases(api: Api) -> None:
    own = [p["id"] for p in reversed(api.records["own"])]  # newest first
    assert ids(api.get("/purchases")) == own


def test_records_leave_without_private_notes(api: Api) -> None:
    body = api.get("/purchases").get_json()
    assert all("notes" not in p for p in body["items"])
    assert set(body["items"][0]) >= {"id", "date", "total", "currency", "source", "status"}


def test_pages_follow_the_cursor(api: Api) -> None:
    first = api.get("/purchases?limit=4").get_json()
    assert len(first["items"]) == 4 and first["next_cursor"]
    second = api.get(f"/purchases?limit=4&cursor={first['next_cursor']}").get_json()
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    every = [p["id"] for p in first["items"] + second["items"]]
    assert every == [p["id"] for p in reversed(api.records["own"])]


def test_filters(api: Api) -> None:
    assert len(ids(api.get("/purchases?since=2025-03-01&until=2025-04-30"))) == 2
    books = api.get("/purchases?category=books").get_json()["items"]
    assert {p["category"] for p in books} == {"books"} and len(books) == 3


def test_categories_reach(grant_with: Any) -> None:
    api = grant_with(purchases_reach="categories", categories="music")
    got = api.get("/purchases").get_json()["items"]
    assert {p["category"] for p in got} == {"music"}
    assert {p["vendor_id"] for p in got} == {api.records["other"]["id"]}
    assert ids(api.get("/purchases?category=books")) == []


def test_since_reach(grant_with: Any) -> None:
    api = grant_with(since="2025-05-01")
    assert {p["date"] for p in api.get("/purchases").get_json()["items"]} == {
        "2025-05-10",
        "2025-06-10",
    }
    assert len(ids(api.get("/purchases?since=2025-01-01"))) == 2  # cannot reach back further


def test_all_reach(grant_with: Any) -> None:
    assert len(ids(grant_with(purchases_reach="all").get("/purchases"))) == 12


def test_get_one_within_and_outside_the_grant(api: Api) -> None:
    own, other = api.records["own"][0]["id"], api.records["others"][0]["id"]
    assert api.get(f"/purchases/{own}").get_json()["id"] == own
    refused, absent = api.get(f"/purchases/{other}"), api.get("/purchases/nope")
    assert refused.status_code == absent.status_code == 404
    assert refused.mimetype == "application/problem+json"


def test_bad_query_is_a_field_error(api: Api) -> None:
    for query, field in (
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("since=May", "since"),
        ("cursor=01920000-0000-7000-8000-000000000000", "cursor"),
        ("since=2025-05-01&until=2025-01-01", "until"),
        ("colour=red", "colour"),
    ):
        response = api.get(f"/purchases?{query}")
        assert response.status_code == 422, query
        assert field in response.get_json()["errors"], (query, response.get_json())


def test_etag_and_if_none_match(api: Api) -> None:
    first = api.get("/purchases")
    etag = first.headers["ETag"]
    again = api.get("/purchases", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


RECEIPT = {
    "date": "2026-02-01",
    "order_ref": "A-77",
    "items": [{"description": "Rain jacket", "quantity": "1", "unit_price": "89.00"}],
    "currency": "EUR",
    "category": "clothing",
}


def test_push_receipt(api: Api, services: Any) -> None:
    response = api.call("POST", "/purchases", json=RECEIPT)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/purchases/{body['id']}"
    assert body["source"] == f"vendor:{api.vendor.client_id}" and body["status"] == "new"
    assert body["vendor_id"] == api.records["shop"]["id"] and body["total"] == "89.00"
    stored = services.purchases.get(body["id"])
    assert stored["status"] == "new" and stored["source"] == body["source"]
    services.purchases.update(body["id"], {"status": "reviewed"})  # the owner may edit it
    services.purchases.delete(body["id"])  # and delete it


def test_vendor_cannot_choose_vendor_source_or_status(api: Api) -> None:
    for field, value in (
        ("vendor_id", api.records["other"]["id"]),
        ("source", "owner"),
        ("status", "reviewed"),
        ("notes", "x"),
    ):
        response = api.call("POST", "/purchases", json={**RECEIPT, field: value})
        assert response.status_code == 422
        assert field in response.get_json()["errors"]


def test_bad_receipts(api: Api) -> None:
    response = api.call("POST", "/purchases", json={**RECEIPT, "date": "yesterday"})
    assert response.status_code == 422 and "date" in response.get_json()["errors"]
    assert api.call("POST", "/purchases", json=[1, 2]).status_code == 422
    form = api.call("POST", "/purchases", data="date=2026-01-01")
    assert form.status_code == 415
    broken = api.call("POST", "/purchases", data="{", content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["code"] == "malformed_request"
    huge = api.call("POST", "/purchases", json={**RECEIPT, "order_ref": "x" * 2_000_000})
    assert huge.status_code == 413 and huge.mimetype == "application/problem+json"


def test_vendors_cannot_edit_or_delete(api: Api) -> None:
    own = api.records["own"][0]["id"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert api.call(method, f"/purchases/{own}", json={}).status_code == 405


def test_write_needs_purchases_write(grant_with: Any) -> None:
    api = grant_with(scope="openid purchases:read")
    response = api.call("POST", "/purchases", json=RECEIPT)
    assert response.status_code == 403
    assert response.get_json()["code"] == "insufficient_scope"


def test_owner_sees_pushed_receipts_as_new(api: Api, owner: Any) -> None:
    assert "No new receipts from vendors." in owner.get("/").get_data(as_text=True)
    api.call("POST", "/purchases", json=RECEIPT)
    html = owner.get("/").get_data(as_text=True)
    assert "<strong>1</strong> receipt pushed by vendors, not reviewed yet." in html


def test_a_cursor_outside_the_grant_is_answered_like_an_unknown_one(api: Api) -> None:
    """A foreign purchase's id as cursor would page from its date: it must look unknown."""
    foreign = api.get(f"/purchases?cursor={api.records['others'][2]['id']}")
    unknown = api.get("/purchases?cursor=01920000-0000-7000-8000-000000000000")
    assert foreign.status_code == unknown.status_code == 422
    assert foreign.get_json() == unknown.get_json()
    assert list(foreign.get_json()["errors"]) == ["cursor"]
    own = api.get(f"/purchases?cursor={api.records['own'][2]['id']}")
    assert len(ids(own)) == 2


def test_a_receipt_loses_invisible_characters(api: Api, owner: Any, services: Any) -> None:
    sneaky = {
        **RECEIPT,
        "order_ref": "A-\u202e77",
        "items": [{"description": "Rain\u200b jacket\u2067", "unit_price": "89.00"}],
    }
    body = api.call("POST", "/purchases", json=sneaky).get_json()
    stored = services.purchases.get(body["id"])
    assert stored["order_ref"] == "A-77" and stored["items"][0]["description"] == "Rain jacket"
    html = owner.get("/purchases").get_data(as_text=True)
    assert "Rain jacket" in html and not set(HIDDEN) & set(html)
