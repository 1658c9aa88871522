"""Journeys: approve a vendor's consent request, read what it did in the access log, revoke."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.shops import SCOPE, ConnectingShop, approve, catch_callback


def test_approve_read_the_access_log_and_revoke(owner: Page, portal: str) -> None:
    name = "Paper & Ink"
    shop = ConnectingShop.register(portal, name)
    approve(owner, shop, name)
    assert shop.call("GET", "/purchases").status_code == 200

    owner.goto("/vendors")
    card = owner.get_by_role("region", name=name)
    expect(card.get_by_role("cell", name="active", exact=True)).to_be_visible()
    expect(card.get_by_role("cell", name=re.compile("See your purchases"))).to_be_visible()
    expect(card.get_by_text("purchases:read")).to_be_hidden()  # in the technical details

    card.get_by_role("link", name=f"What has {name} seen?").click()
    expect(owner.get_by_role("heading", name=f"What {name} has seen")).to_be_visible()
    expect(owner.get_by_text(re.compile(r"^1 visit to your store"))).to_be_visible()
    log = owner.get_by_role("table")
    expect(log.get_by_role("row").filter(has_text=name).first).to_contain_text(
        f"{name} asked for your purchases"
    )

    owner.goto("/vendors")
    card = owner.get_by_role("region", name=name)
    revoke = card.get_by_role("button", name=f"Revoke this grant of {name}", exact=True)
    expect(revoke).to_be_hidden()  # a second step: the danger summary opens the question
    card.get_by_label(f"Revoke this grant of {name}…", exact=True).click()
    expect(card.get_by_text("It loses this access at once.")).to_be_visible()
    revoke.click()
    card = owner.get_by_role("region", name=name)
    expect(card.get_by_role("cell", name="revoked (by you)")).to_be_visible()
    expect(card.get_by_role("button", name=f"Revoke this grant of {name}")).to_have_count(0)
    refused = shop.call("GET", "/purchases")
    assert refused.status_code == 401, refused.text


def test_deny_grants_nothing(owner: Page, portal: str) -> None:
    name = "Pop-up Gadgets"
    shop = ConnectingShop.register(portal, name)
    came_back = catch_callback(owner)
    owner.goto(shop.authorize_path(SCOPE))
    owner.get_by_role("button", name="Deny").click()
    expect(owner.get_by_text("Connected")).to_be_visible()  # the shop's page, without a code
    assert len(came_back) == 1 and "error=access_denied" in came_back[0]
    assert "code=" not in came_back[0]
    owner.goto("/vendors")
    expect(owner.get_by_role("region", name=name)).to_contain_text(
        "No grants: this vendor has no access."
    )
