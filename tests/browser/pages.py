"""The portal's main pages (each of the main navigation, the login and the consent page):
checked for accessibility and pictured in docs/portal.md."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.processes import REPO

SCREENSHOTS = REPO / "docs" / "screenshots"
PORTAL_DOC = REPO / "docs" / "portal.md"

# name (the screenshot's file name) -> path; one entry for each page of the main navigation
NAV_PAGES = {
    "dashboard": "/",
    "purchases": "/purchases",
    "preferences": "/preferences",
    "relationships": "/relationships",
    "reminders": "/reminders",
    "insights": "/insights",
    "rfps": "/rfps",
    "vendors": "/vendors",
    "access-log": "/access-log",
    "archive": "/archive",
    "settings": "/settings",
}
PHONE = "dashboard-phone"
LOGIN = "login"
CONSENT = "consent"
CONSENT_PHONE = "consent-phone"


def screenshot(name: str) -> Path:
    return SCREENSHOTS / f"{name}.png"


def all_names() -> list[str]:
    return [*NAV_PAGES, PHONE, LOGIN, CONSENT, CONSENT_PHONE]
