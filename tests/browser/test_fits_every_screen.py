"""Every page of the portal at a phone's width (390 px) and on a desktop (1280 px): the
pages of the main navigation, as the page lists them, plus one record page of each kind
(purchase, person, vendor, RFP with an offer, preference edit), the forms one step from
them, and a consent page of a real authorization request. None is wider than the screen,
no visible text is smaller than 11 px (chart text included, as drawn), and axe finds
nothing serious or critical."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context
from tests.browser.languages import portal_language
from tests.browser.shops import SCOPE, ConnectingShop, RfpShop, approve
from tests.browser.test_accessibility import blocking_violations
from tests.conftest import OWNER_PASSWORD

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SMALLEST_TEXT_PX = 11
#: The forms one step from the navigation's pages.
FORMS = {
    "new purchase": "/purchases/new",
    "purchase import": "/purchases/import",
    "new relationship": "/relationships/new",
    "new rfp": "/rfps/new",
    "security settings": "/settings/security",
    "terms": "/settings/terms",
}

#: Each visible element with text of its own whose text is drawn smaller than the limit:
#: CSS pixels for HTML, and for SVG text its font size scaled as the chart is drawn.
SMALL_TEXT = """(limit) => {
  const small = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden') continue;
    if (el.closest('[hidden], details:not([open]) > :not(summary)')) continue;
    let size = parseFloat(style.fontSize);
    if (el instanceof SVGElement && el.getScreenCTM()) size *= el.getScreenCTM().a;
    const text = el.textContent.trim().slice(0, 40);
    if (size < limit) small.push(`${el.tagName.toLowerCase()} "${text}": ${size.toFixed(1)}px`);
  }
  return small;
}"""


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: it fits)."""
    width: int = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    return width


def small_text(page: Page) -> list[str]:
    found: list[str] = page.evaluate(SMALL_TEXT, SMALLEST_TEXT_PX)
    return found


def first_href(page: Page, path: str, pattern: str) -> str:
    """The first link on ``path`` whose address matches ``pattern``."""
    page.goto(path)
    hrefs = page.locator("main a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    for href in hrefs:
        if re.fullmatch(pattern, href):
            return str(href)
    raise AssertionError(f"no link like {pattern} on {path}")


def published_rfp(owner: Page, portal: str) -> str:
    """An RFP written in the form and published, with a vendor's offer on it: its path."""
    owner.goto("/rfps/new")
    owner.get_by_label("Title", exact=True).fill("A rain jacket for cycling")
    owner.get_by_label("Category", exact=True).fill("clothing")
    owner.get_by_label("Budget up to", exact=True).fill("180")
    owner.get_by_label("Currency", exact=True).fill("EUR")
    deadline = datetime.now(UTC) + timedelta(days=3)
    owner.get_by_label("Deadline", exact=True).fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    owner.get_by_role("button", name="Publish").click()
    published = owner.get_by_text(re.compile(r"Published: vendors see it as rfp-[a-z2-7]{16}"))
    expect(published).to_be_visible()
    pseudonym = re.search(r"rfp-[a-z2-7]{16}", published.inner_text())
    assert pseudonym
    RfpShop.register(portal, "Regenfest Outdoor Supplies").offer(pseudonym.group(0), "149.00")
    return owner.url.removeprefix(portal)


@pytest.fixture(scope="module")
def every_page(browser: Browser, portal: str, owner_state: dict[str, Any]) -> Iterator[dict]:
    """name -> path: the main navigation's pages as the page lists them, and one record of
    each kind (a connected shop first, so the vendor and access pages have something)."""
    context = new_context(browser, portal, storage_state=owner_state)
    owner = context.new_page()
    approve(
        owner, ConnectingShop.register(portal, "Hafenblick Buchhandlung"), "Hafenblick Buchhandlung"
    )
    owner.goto("/")
    nav = owner.get_by_role("navigation", name="Main").get_by_role("link")
    pages = {f"nav {link.inner_text()}": str(link.get_attribute("href")) for link in nav.all()}
    pages["purchase"] = first_href(owner, "/purchases", r"/purchases/[^/]+/edit")
    pages["person"] = first_href(owner, "/relationships?kind=person", r"/relationships/[^/?]+")
    pages["vendor"] = first_href(owner, "/relationships?kind=vendor", r"/relationships/[^/?]+")
    pages["preference edit"] = first_href(owner, "/preferences", r"/preferences/[^/]+/edit")
    pages["rfp with an offer"] = published_rfp(owner, portal)
    pages.update(FORMS)
    consent_shop = ConnectingShop.register(portal, "Kaffeerösterei Nordwind")
    pages["consent"] = consent_shop.authorize_path(SCOPE)
    context.close()
    yield pages


def problems_of_every_page(
    browser: Browser,
    portal: str,
    state: dict[str, Any],
    pages: dict[str, str],
    size: str,
    language: str = "en",
) -> list[str]:
    """What does not fit, read or pass axe on each page at ``size``; each page must be
    written in ``language``."""
    context = new_context(browser, portal, storage_state=state, viewport=WIDTHS[size])
    page = context.new_page()
    problems: list[str] = []
    try:
        for name, path in pages.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{name}: {path}"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            expect(page.locator("html")).to_have_attribute("lang", language)
            if (wider := overflow(page)) > 0:
                problems.append(f"{name} ({path}) is {wider} px wider than the screen")
            problems += [f"{name} ({path}): text under 11 px: {t}" for t in small_text(page)]
            problems += [f"{name} ({path}): axe {line}" for line in blocking_violations(page)]
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("size", WIDTHS, ids=WIDTHS.keys())
def test_every_page_fits_reads_and_passes_axe(
    browser: Browser, portal: str, owner_state: dict[str, Any], every_page: dict, size: str
) -> None:
    assert len([name for name in every_page if name.startswith("nav ")]) >= 11
    problems = problems_of_every_page(browser, portal, owner_state, every_page, size)
    assert not problems, f"at {size} width:\n" + "\n".join(problems)


@pytest.mark.parametrize("size", WIDTHS, ids=WIDTHS.keys())
def test_every_page_fits_in_german(
    browser: Browser, portal: str, owner_state: dict[str, Any], every_page: dict, size: str
) -> None:
    """The same pages with the owner's language German: longer words, same screens."""
    with portal_language(browser, portal, owner_state, "de"):
        problems = problems_of_every_page(
            browser, portal, owner_state, every_page, size, language="de"
        )
    assert not problems, f"in German at {size} width:\n" + "\n".join(problems)


@pytest.mark.parametrize("size", WIDTHS, ids=WIDTHS.keys())
def test_two_step_login_setup_shows_a_qr_code_and_fits(
    browser: Browser, portal: str, owner_state: dict[str, Any], size: str
) -> None:
    """Setting up only begins (nothing is turned on until a code is confirmed)."""
    context = new_context(browser, portal, storage_state=owner_state, viewport=WIDTHS[size])
    page = context.new_page()
    try:
        page.goto("/settings/security")
        page.locator("#enrol-password").fill(OWNER_PASSWORD)
        page.get_by_role("button", name="Set up two-step login").click()
        qr = page.get_by_role("img", name="QR code of the link for your authenticator app")
        expect(qr).to_be_visible()
        assert qr.bounding_box()["width"] >= 150  # type: ignore[index]
        assert overflow(page) == 0 and small_text(page) == []
        assert blocking_violations(page) == []
    finally:
        context.close()
