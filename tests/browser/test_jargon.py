"""The jargon scan: no page the owner reads speaks protocol outside its "Technical
details" disclosures (issue 19).

The demo store with a connected shop (it read and pushed purchases), a shop whose grant
the owner revoked, and a published RFP with an offer; every page of the navigation and a
record page of each kind is read with its <details> removed, and fails on raw scope
names, client ids, audit event codes, HTTP method + path, JSON arrays or objects and raw
ISO instants."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from policies.scopes import CATALOGUE
from tests.browser.conftest import new_context
from tests.browser.languages import portal_language
from tests.browser.pages import NAV_PAGES
from tests.browser.shops import ConnectingShop, RfpShop, approve

# scope names no sentence would use (``profile``, ``email``, ``phone``, ``address`` are
# also plain words: a page may say "your email address")
PROTOCOL_SCOPES = [name for name in CATALOGUE if re.search(r"[:_]", name) or name == "openid"]
EVENT_CODE = re.compile(
    r"\b(?:api|token|grant|client|offer|subscription|purchase|preference|login|totp|keys"
    r"|rfp|relationship|interaction|profile|terms|reminder|insight|password)\.[a-z_]+\b"
)
HTTP_CALL = re.compile(r"\b(?:GET|POST|PUT|PATCH|DELETE) /")
JSON_LIKE = re.compile(r"\[\s*\"|\{\s*\"[^\"]*\"\s*:|\[\s*(?:true|false|null|\d+)\s*[,\]]")
ISO_INSTANT = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
EXTRA_PAGES = ["/insights", "/reminders", "/settings/security", "/purchases/new", "/rfps/new"]
WITHOUT_DETAILS = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('details, script, style, template').forEach(e => e.remove());
  return body.textContent;
}"""


def jargon_in(text: str, client_ids: list[str]) -> list[str]:
    """What in ``text`` is protocol, not words (empty when it reads plainly)."""
    found = [s for s in PROTOCOL_SCOPES if re.search(rf"(?<![\w:.-]){re.escape(s)}(?![\w:])", text)]
    found += [c for c in client_ids if c in text]
    for pattern in (EVENT_CODE, HTTP_CALL, JSON_LIKE, ISO_INSTANT):
        found += [m.group(0) for m in pattern.finditer(text)]
    return found


def test_the_scan_finds_each_kind_of_jargon() -> None:
    assert jargon_in("Scopes: openid purchases:read offline_access", []) == [
        "openid",
        "offline_access",
        "purchases:read",
    ]
    assert jargon_in("by a_G7rDZ", ["a_G7rDZ"]) == ["a_G7rDZ"]
    assert jargon_in("token.authorization_code then GET /api/v1/me", []) == [
        "token.authorization_code",
        "GET /",
    ]
    assert jargon_in('["crime", "history"] at 2026-12-03T07:33', []) == [
        '["',
        "2026-12-03T07:33",
    ]
    assert jargon_in("Demo Shop read 15 of your preferences on 3 Dec 2026, 08:33", []) == []


@pytest.fixture(scope="module")
def busy_store(
    browser: Browser, portal: str, owner_state: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """The demo store after a shop connected and worked, a grant was revoked and an RFP
    got an offer; yields the pages to read and the client ids that must not show."""
    context = new_context(browser, portal, storage_state=owner_state)
    owner = context.new_page()
    shop = ConnectingShop.register(portal, "Demo Shop")
    approve(owner, shop, "Demo Shop")
    assert shop.call("GET", "/purchases").status_code == 200
    shop.push_receipt(datetime.now(UTC).date().isoformat(), "A novel", "12.50")
    gone = ConnectingShop.register(portal, "Gone Books")
    approve(owner, gone, "Gone Books")
    owner.goto("/vendors")
    card = owner.get_by_role("region", name="Gone Books")
    card.get_by_label("Revoke this grant of Gone Books…", exact=True).click()  # the question
    card.get_by_role("button", name="Revoke this grant of Gone Books", exact=True).click()
    seller = RfpShop.register(portal, "Sound Corner")
    rfp_page = publish_rfp(owner)
    pseudonym = re.search(r"rfp-[a-z2-7]{16}", owner.content())
    assert pseudonym
    seller.offer(pseudonym.group(0), "129.00")
    access_page = f"/access-log?vendor={shop.client_id}"
    rfp_pages = [rfp_page, f"{rfp_page}/preview", f"{rfp_page}/deliveries"]
    pages = [*NAV_PAGES.values(), *EXTRA_PAGES, *rfp_pages, access_page, *record_pages(owner)]
    context.close()
    yield {
        "pages": pages,
        "rfp": rfp_page,
        "access": access_page,
        "client_ids": [shop.client_id, gone.client_id, seller.client_id],
    }


def publish_rfp(owner: Page) -> str:
    owner.goto("/rfps/new")
    owner.get_by_label("Title", exact=True).fill("Headphones for the train")
    owner.get_by_label("Description", exact=True).fill("Over-ear, comfortable for two hours.")
    owner.get_by_label("Category", exact=True).fill("electronics")
    owner.get_by_label("Budget up to", exact=True).fill("150")
    owner.get_by_label("Currency", exact=True).fill("EUR")
    deadline = datetime.now(UTC) + timedelta(days=3)
    owner.locator("#deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    owner.get_by_label("Quantity", exact=True).fill("1")
    owner.locator("#req-0-key").fill("battery_hours")
    owner.locator("#req-0-operator").select_option("ge")
    owner.locator("#req-0-value").fill("20")
    owner.get_by_role("button", name="Publish").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Headphones for the train")
    return urlsplit(owner.url).path


def record_pages(owner: Page) -> list[str]:
    """A purchase (the pushed receipt), a vendor and a person, a preference's edit page."""
    found = []
    for listing, pattern in (
        ("/purchases?status=new", r"^/purchases/[^/]+/edit$"),  # the pushed receipt
        ("/relationships?kind=vendor", r"^/relationships/[^/?]+$"),
        ("/relationships?kind=person", r"^/relationships/[^/?]+$"),
        ("/preferences", r"^/preferences/[^/]+/edit$"),
    ):
        owner.goto(listing)
        links = owner.eval_on_selector_all(
            "main a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        match = next(link for link in links if re.match(pattern, link))
        found.append(match)
    return found


def jargon_on_every_page(
    busy_store: dict[str, Any], browser: Browser, portal: str, owner_state: dict[str, Any]
) -> dict[str, list[str]]:
    context = new_context(browser, portal, storage_state=owner_state)
    page = context.new_page()
    problems = {}
    for path in busy_store["pages"]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        found = jargon_in(page.evaluate(WITHOUT_DETAILS), busy_store["client_ids"])
        if found:
            problems[path] = sorted(set(found))
    context.close()
    return problems


def test_no_page_speaks_protocol(
    busy_store: dict[str, Any], browser: Browser, portal: str, owner_state: dict[str, Any]
) -> None:
    problems = jargon_on_every_page(busy_store, browser, portal, owner_state)
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_no_page_speaks_protocol_in_german(
    busy_store: dict[str, Any], browser: Browser, portal: str, owner_state: dict[str, Any]
) -> None:
    """The same scan with the owner's language German, and what it lets through is German."""
    with portal_language(browser, portal, owner_state, "de"):
        problems = jargon_on_every_page(busy_store, browser, portal, owner_state)
        context = new_context(browser, portal, storage_state=owner_state)
        page = context.new_page()
        said = {
            busy_store["access"]: [
                "Demo Shop hat nach Ihren Einkäufen gefragt; keine wurden gesendet",
                "Demo Shop hat Ihnen einen Beleg geschickt",
            ],
            "/": ["Sound Corner hat ein Angebot abgegeben"],
            "/purchases": ["neu von Demo Shop"],
            busy_store["rfp"]: ["battery hours mindestens 20", "Mitteleuropäische Zeit"],
        }
        for path, sentences in said.items():
            page.goto(path)
            text = page.evaluate(WITHOUT_DETAILS)
            missing = [f"missing: {s}" for s in sentences if s not in text]
            if missing:
                problems.setdefault(path, []).extend(missing)
        context.close()
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_the_pages_say_it_in_words(
    busy_store: dict[str, Any], browser: Browser, portal: str, owner_state: dict[str, Any]
) -> None:
    """What the scan lets through is there, in words (so it does not pass on empty pages)."""
    context = new_context(browser, portal, storage_state=owner_state)
    page = context.new_page()
    said = {
        "/vendors": ["See your purchases", "Sign you in", "revoked (by you)"],
        busy_store["access"]: [
            "Demo Shop asked for your purchases; none were sent",
            "Demo Shop sent you a receipt",
            "Demo Shop started using the access you allowed",
        ],
        "/purchases": ["new from Demo Shop"],
        "/": ["Sound Corner made an offer"],
    }
    for path, sentences in said.items():
        page.goto(path)
        text = page.evaluate(WITHOUT_DETAILS)
        for sentence in sentences:
            assert sentence in text, (path, sentence)
    page.goto(busy_store["rfp"])
    expect(page.get_by_text("battery hours at least 20")).to_be_visible()
    expect(page.get_by_text("Central European Time")).to_be_visible()
    context.close()
