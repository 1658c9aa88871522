"""The public intent feed: the open public RFPs, as JSON (``/rfps/feed``) and as Atom 1.0
(``/rfps/feed.atom``) for feed readers.

It is public (no authentication) and says only what ``rfps.public_view`` says: each RFP
under its own pseudonym, never the owner, the store or a record id. Reading it expires
RFPs whose deadline has passed (``RfpService.list`` sweeps first). Both answer with an
ETag and 304 on ``If-None-Match``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree import ElementTree as ET

import orjson
from flask import Response, request, url_for

from pds.api.conventions import services
from pds.api.errors import api_blueprint
from pds.services.intents.rfps import OPEN, public_view, to_minute

bp = api_blueprint("feed", __name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
ENTRY_ID_PREFIX = "urn:pds:rfp:"
FEED_TITLE = "Open requests for proposals"
#: Atom needs an author; the feed names nobody.
AUTHOR = "anonymous buyer"


def open_public_views() -> list[dict[str, Any]]:
    """What vendors may see of every open public RFP, newest published first."""
    rfps = services().rfps.list(status=OPEN)
    views = [public_view(rfp) for rfp in rfps if rfp.get("visibility") == "public"]
    views.sort(key=lambda view: view.get("published_at", ""), reverse=True)
    return views


def feed_updated(views: list[dict[str, Any]]) -> str:
    """The newest ``published_at`` (minute precision); now, to the minute, if empty."""
    if views:
        return str(max(view.get("published_at", "") for view in views))
    return to_minute(services().clock())


def conditional(body: bytes, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    response.make_conditional(request)
    return response


@bp.get("/rfps/feed")
def json_feed() -> Response:
    views = open_public_views()
    body = orjson.dumps({"items": views, "updated": feed_updated(views)})
    return conditional(body, "application/json")


@bp.get("/rfps/feed.atom")
def atom_feed() -> Response:
    views = open_public_views()
    feed = atom_document(views, feed_updated(views), url_for("feed.atom_feed", _external=True))
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return conditional(body, ATOM_TYPE)


# -- Atom ------------------------------------------------------------------------------


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def atom_document(views: list[dict[str, Any]], updated: str, self_url: str) -> ET.Element:
    """An Atom 1.0 ``feed`` element with one entry per public view."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _add(feed, "id", self_url)
    _add(feed, "title", FEED_TITLE)
    _add(feed, "updated", updated)
    _add(feed, "link", rel="self", href=self_url, type=ATOM_TYPE)
    _add(_add(feed, "author"), "name", AUTHOR)
    for view in views:
        atom_entry(feed, view, updated)
    return feed


def atom_entry(feed: ET.Element, view: Mapping[str, Any], fallback_updated: str) -> None:
    entry = _add(feed, "entry")
    _add(entry, "id", ENTRY_ID_PREFIX + view["id"])
    _add(entry, "title", view["title"])
    _add(entry, "updated", view.get("published_at", fallback_updated))
    if "category" in view:
        _add(entry, "category", term=view["category"])
    if view.get("description"):
        _add(entry, "summary", view["description"], type="text")
    _add(entry, "content", plain_text(view), type="text")


def plain_text(view: Mapping[str, Any]) -> str:
    """Requirements, budget, quantity and deadline as a few lines of plain text."""
    lines = [f"- {line}" for line in map(requirement_text, view.get("requirements", []))]
    budget = view.get("budget")
    if budget:
        low = f"{budget['min']} to " if budget.get("min") is not None else "up to "
        lines.append(f"Budget: {low}{budget['max']} {budget['currency']}")
    lines.append(f"Quantity: {view['quantity']}")
    if "deadline" in view:
        lines.append(f"Offers by: {view['deadline']}")
    return "\n".join(lines)


def requirement_text(requirement: Mapping[str, Any]) -> str:
    value = requirement["value"]
    shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return f"{requirement['key']} {requirement['operator']} {shown}"
