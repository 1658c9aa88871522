"""The purchases pages: list with filters, search and paging; add, edit, delete; review."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of


def _vendor(services: Services, name: str = "Fresh Fields") -> dict:
    return services.relationships.add({"kind": "vendor", "name": name})


def _buy(services: Services, vendor: dict, day: str, total: str = "4.20", **more: object) -> dict:
    data = {"vendor_id": vendor["id"], "date": day, "currency": "EUR", "total": total, **more}
    return services.purchases.add(data)


def test_an_empty_list_says_what_to_do(owner: FlaskClient) -> None:
    html = owner.get("/purchases").get_data(as_text=True)
    assert "No purchases yet." in html
    assert 'href="/purchases/new"' in html and 'href="/purchases/import"' in html
    assert '<a href="/purchases" aria-current="page">Purchases</a>' in html


def test_filters_by_vendor_category_and_dates(owner: FlaskClient, services: Services) -> None:
    shop, bakery = _vendor(services), _vendor(services, "Corner Bakery")
    _buy(services, shop, "2025-01-02", "11.00", category="groceries")
    _buy(services, bakery, "2025-02-03", "22.00", category="bread")
    _buy(services, shop, "2025-03-04", "33.00", category="groceries")
    page = owner.get(f"/purchases?vendor={shop['id']}").get_data(as_text=True)
    assert "€11.00" in page and "€33.00" in page and "€22.00" not in page
    page = owner.get("/purchases?category=bread").get_data(as_text=True)
    assert "€22.00" in page and "€11.00" not in page
    page = owner.get("/purchases?since=2025-02-01&until=2025-02-28").get_data(as_text=True)
    assert "€22.00" in page and "€11.00" not in page and "€33.00" not in page
    page = owner.get("/purchases?category=shoes").get_data(as_text=True)
    assert "No purchases match these filters." in page


def test_search_finds_items_order_refs_and_notes(owner: FlaskClient, services: Services) -> None:
    shop = _vendor(services)
    items = [{"description": "Wool socks", "unit_price": "7.50"}]
    _buy(services, shop, "2025-01-02", "7.50", items=items)
    _buy(services, shop, "2025-01-03", "1.00", order_ref="ORD-991")
    _buy(services, shop, "2025-01-04", "2.00", notes="birthday present")
    assert "Wool socks" in owner.get("/purchases?q=SOCKS").get_data(as_text=True)
    page = owner.get("/purchases?q=ord-99").get_data(as_text=True)
    assert "ORD-991" in page and "Wool socks" not in page
    assert "€2.00" in owner.get("/purchases?q=birthday").get_data(as_text=True)
    assert services.purchases.list(text="nothing like it").items == []


def test_a_bad_filter_is_shown_beside_its_field(owner: FlaskClient) -> None:
    response = owner.get("/purchases?since=yesterday")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="f-since-error"' in html and 'value="yesterday"' in html


def test_pages_follow_each_other(owner: FlaskClient, services: Services) -> None:
    shop = _vendor(services)
    for day in range(1, 28):
        _buy(services, shop, f"2025-01-{day:02d}")
    first = owner.get("/purchases").get_data(as_text=True)
    assert first.count("€4.20") == 25
    after = re.search(r'href="/purchases\?after=([^"]+)" rel="next"', first)
    assert after
    second = owner.get(f"/purchases?after={after.group(1)}").get_data(as_text=True)
    assert second.count("€4.20") == 2 and 'rel="next"' not in second
    assert "2025-01-01" in second and "2025-01-27" not in second


def test_adding_a_purchase_with_line_items(owner: FlaskClient, services: Services) -> None:
    shop = _vendor(services)
    form = owner.get("/purchases/new").get_data(as_text=True)
    assert '<label for="f-date">Date' in form
    response = owner.post(
        "/purchases/new",
        data={
            "csrf_token": csrf_of(form),
            "vendor_id": shop["id"],
            "date": "2025-05-06",
            "currency": "eur",
            "category": "clothing",
            "tags": "gift, winter",
            "items-0-description": "Scarf",
            "items-0-quantity": "2",
            "items-0-unit_price": "9.95",
        },
    )
    assert response.status_code == 303
    (record,) = services.purchases.list().items
    assert record["total"] == "19.90" and record["tags"] == ["gift", "winter"]
    assert record["items"][0]["description"] == "Scarf" and record["source"] == "owner"
    assert "Purchase of €19.90 on 6 May 2025 added." in owner.get("/purchases").get_data(True)


def test_field_errors_sit_beside_their_fields_and_keep_the_input(
    owner: FlaskClient, services: Services
) -> None:
    shop = _vendor(services)
    token = csrf_of(owner.get("/purchases/new").get_data(as_text=True))
    response = owner.post(
        "/purchases/new",
        data={
            "csrf_token": token,
            "vendor_id": shop["id"],
            "date": "2025-13-01",
            "currency": "EUR",
            "notes": "kept as typed",
            "items-0-description": "Scarf",
            "items-0-unit_price": "cheap",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error" id="f-date-error">' in html
    assert '<p class="error" id="f-items-0-unit_price-error">Not a valid decimal number' in html
    assert 'value="cheap"' in html and "kept as typed</textarea>" in html
    assert services.purchases.count() == 0


def test_a_purchase_without_total_or_items_asks_for_one(
    owner: FlaskClient, services: Services
) -> None:
    shop = _vendor(services)
    token = csrf_of(owner.get("/purchases/new").get_data(as_text=True))
    form = {"csrf_token": token, "vendor_id": shop["id"], "date": "2025-01-01", "currency": "EUR"}
    html = owner.post("/purchases/new", data=form).get_data(as_text=True)
    assert 'id="f-total-error">Give the total, or line items to sum.</p>' in html


def test_editing_a_purchase(owner: FlaskClient, services: Services) -> None:
    shop = _vendor(services)
    record = _buy(services, shop, "2025-01-02", "4.20", category="food")
    page = owner.get(f"/purchases/{record['id']}/edit").get_data(as_text=True)
    assert 'value="4.20"' in page and 'value="food"' in page
    form = {"csrf_token": csrf_of(page), "vendor_id": shop["id"], "date": "2025-01-03"}
    response = owner.post(
        f"/purchases/{record['id']}/edit", data={**form, "currency": "EUR", "total": "5.00"}
    )
    assert response.status_code == 303
    saved = services.purchases.get(record["id"])
    assert saved["total"] == "5.00" and saved["date"] == "2025-01-03" and "category" not in saved
    response = owner.post(f"/purchases/{record['id']}/edit", data={**form, "currency": "EURO"})
    assert response.status_code == 422
    assert 'id="f-currency-error"' in response.get_data(as_text=True)


def test_deleting_asks_first(owner: FlaskClient, services: Services) -> None:
    record = _buy(services, _vendor(services), "2025-01-02")
    page = owner.get(f"/purchases/{record['id']}/delete").get_data(as_text=True)
    assert "Delete this purchase?" in page and "This cannot be undone." in page
    assert services.purchases.count() == 1
    response = owner.post(f"/purchases/{record['id']}/delete", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert services.purchases.count() == 0
    assert owner.get(f"/purchases/{record['id']}/edit").status_code == 404


def test_reviewing_a_pushed_receipt(owner: FlaskClient, services: Services) -> None:
    shop = _vendor(services)
    data = {"vendor_id": shop["id"], "date": "2025-01-02", "currency": "EUR", "total": "3.00"}
    receipt = services.purchases.add(data, actor="vendor:shop-client")
    page = owner.get("/purchases?status=new").get_data(as_text=True)
    assert "1 receipt from vendors to review" in page and "new from a vendor" in page
    edit = owner.get(f"/purchases/{receipt['id']}/edit").get_data(as_text=True)
    assert "a vendor pushed this receipt; you have not reviewed it yet." in edit
    assert "shop-client" not in edit  # a vendor is named, never its client id
    response = owner.post(f"/purchases/{receipt['id']}/review", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert services.purchases.get(receipt["id"])["status"] == "reviewed"
    assert services.purchases.count_awaiting_review() == 0
    assert "No purchases match these filters." in owner.get("/purchases?status=new").get_data(True)


def test_forms_refuse_a_post_without_the_csrf_token(owner: FlaskClient, services: Services) -> None:
    record = _buy(services, _vendor(services), "2025-01-02")
    for path in ("/purchases/new", f"/purchases/{record['id']}/delete"):
        response = owner.post(path, data={"date": "2025-01-01"})
        assert response.status_code == 400
        assert "the form expired or was not sent by this portal" in response.get_data(True)
    assert services.purchases.count() == 1


def test_the_pages_need_the_owner(client: FlaskClient) -> None:
    response = client.get("/purchases?category=food")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/purchases?category%3Dfood"


def test_an_unknown_purchase_is_a_portal_404(owner: FlaskClient) -> None:
    html_only = {"Accept": "text/html"}
    response = owner.get("/purchases/01a205e6-5509-72f3-995e-e87e69315049/edit", headers=html_only)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "404 · Not found" in html and "Back to the dashboard" in html


def test_amounts_are_read_as_the_owner_writes_them(owner: FlaskClient, services: Services) -> None:
    shop = _vendor(services)
    token = csrf_of(owner.get("/purchases/new").get_data(as_text=True))
    form = {"csrf_token": token, "vendor_id": shop["id"], "date": "2025-03-01", "currency": "EUR"}
    item = {"items-0-description": "Boots", "items-0-quantity": "1"}
    added = owner.post("/purchases/new", data={**form, **item, "items-0-unit_price": "120,00"})
    assert added.status_code == 303
    [bought] = services.purchases.list().items
    assert bought["total"] == "120.00"
    unclear = owner.post("/purchases/new", data={**form, **item, "items-0-unit_price": "1,000"})
    page = unclear.get_data(as_text=True)
    assert unclear.status_code == 422
    assert "1,000 could be a thousand or a fraction" in page
    assert len(services.purchases.list().items) == 1


def _amounts_in_order(page: str) -> list[str]:
    return re.findall(r'<td data-label="Total" class="num">€([0-9.]+)</td>', page)


def test_the_list_counts_and_totals_the_matches_per_currency(
    owner: FlaskClient, services: Services
) -> None:
    shop, bakery = _vendor(services), _vendor(services, "Corner Bakery")
    _buy(services, shop, "2025-01-02", "11.00", category="groceries")
    _buy(services, shop, "2025-01-03", "5.50", category="groceries", currency="USD")
    _buy(services, shop, "2025-01-04", "2.25", category="groceries")
    _buy(services, bakery, "2025-02-03", "22.00", category="bread")
    page = owner.get("/purchases?category=groceries").get_data(as_text=True)
    assert "<strong>3 purchases</strong> match these filters, in all" in page
    assert '<span class="amount">€13.25</span>, <span class="amount">US$5.50</span>.' in page
    whole = owner.get("/purchases").get_data(as_text=True)
    assert "<strong>4 purchases</strong>, in all" in whole
    assert '<span class="amount">€35.25</span>' in whole


def test_the_list_sorts_by_date_vendor_or_total_across_pages(
    owner: FlaskClient, services: Services
) -> None:
    shop, bakery = _vendor(services, "Zebra Shoes"), _vendor(services, "Acorn Bakery")
    _buy(services, shop, "2025-01-02", "30.00")
    _buy(services, bakery, "2025-01-03", "10.00")
    _buy(services, shop, "2025-01-04", "20.00")
    assert _amounts_in_order(owner.get("/purchases").get_data(as_text=True)) == [
        "20.00",
        "10.00",
        "30.00",
    ]
    by_total = owner.get("/purchases?sort=-total").get_data(as_text=True)
    assert _amounts_in_order(by_total) == ["30.00", "20.00", "10.00"]
    assert (
        '<th scope="col" class="num" aria-sort="descending"><a href="/purchases?sort=total">'
        in (by_total)
    )
    by_vendor = owner.get("/purchases?sort=vendor").get_data(as_text=True)
    assert _amounts_in_order(by_vendor) == ["10.00", "20.00", "30.00"]  # Acorn, then Zebra
    assert _amounts_in_order(owner.get("/purchases?sort=date").get_data(as_text=True)) == [
        "30.00",
        "10.00",
        "20.00",
    ]
    refused = owner.get("/purchases?sort=colour")
    assert refused.status_code == 422
    assert "This order is unknown: Must be one of: -date, date" in refused.get_data(as_text=True)
    for day in range(5, 30):
        _buy(services, bakery, f"2025-01-{day:02d}", "1.00")
    first = owner.get("/purchases?sort=-total").get_data(as_text=True)
    after = re.search(r'href="/purchases\?after=([^"&]+)&amp;sort=-total" rel="next"', first)
    assert after, "the next page keeps the order"
    second = owner.get(f"/purchases?after={after.group(1)}&sort=-total").get_data(as_text=True)
    assert _amounts_in_order(first)[:3] == ["30.00", "20.00", "10.00"]
    assert _amounts_in_order(second) == ["1.00", "1.00", "1.00"]


def test_a_german_owner_is_told_in_german(owner: FlaskClient, services: Services) -> None:
    services.profile.update({"language": "de"})
    shop = _vendor(services)
    token = csrf_of(owner.get("/purchases/new").get_data(as_text=True))
    form = {"csrf_token": token, "vendor_id": shop["id"], "date": "2025-05-06", "currency": "EUR"}
    response = owner.post("/purchases/new", data={**form, "total": "19.90"})
    assert response.status_code == 303
    html = owner.get(response.headers["Location"]).get_data(as_text=True)
    # the sentence, the amount and the day all follow the page's language
    assert "Einkauf über 19,90\xa0€ am 6. Mai 2025 hinzugefügt." in html
