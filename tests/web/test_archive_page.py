"""The archive page: what it holds (as the manifest of a real export says), what it
leaves out and why, the download form, the field error for secrets."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import orjson
from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of

_ROW = re.compile(
    r'<tr><th scope="row"><code>([a-z_]+)</code></th><td class="num">([\d,]+)</td></tr>'
)
_LEFT_OUT = re.compile(r"<li><code>([a-z_]+)</code> \(the whole collection\): ([^<]+)</li>")


def _listed(html: str) -> dict[str, int]:
    return {name: int(count.replace(",", "")) for name, count in _ROW.findall(html)}


def test_the_page_explains_and_offers_the_download(owner: FlaskClient, services: Services) -> None:
    html = owner.get("/archive").get_data(as_text=True)
    assert "It holds 0 records in" in html
    services.relationships.add({"kind": "vendor", "name": "Fresh Fields"})
    html = owner.get("/archive").get_data(as_text=True)
    assert "It holds 1 record in" in html and _listed(html)["relationships"] == 1
    assert 'action="/archive/export"' in html and '<label for="archive-passphrase">' in html
    assert '<input type="checkbox" id="archive-sqlite" name="sqlite">' in html


def test_the_page_lists_what_a_real_export_holds_and_leaves_out(
    owner: FlaskClient, services: Services
) -> None:
    vendor = services.relationships.add({"kind": "vendor", "name": "Fresh Fields"})
    services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-01-02", "currency": "EUR", "total": "4.20"}
    )
    services.rfps.draft(
        {
            "title": "A bike",
            "category": "bikes",
            "budget": {"max": "900", "currency": "EUR"},
            "deadline": "2031-01-01T00:00:00Z",
        }
    )
    html = owner.get("/archive").get_data(as_text=True)
    response = owner.post("/archive/export", data={"csrf_token": csrf_of(html)})
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        manifest = orjson.loads(archive.read("manifest.json"))
    counts = {name: entry["count"] for name, entry in manifest["collections"].items()}
    assert _listed(html) == counts
    assert counts["rfps"] == 1 and counts["purchases"] == 1 and counts["relationships"] == 1
    total = sum(counts.values())
    assert f"It holds {total:,} records in {len(counts)} collections:" in html
    left_out = {name: unescape(why) for name, why in _LEFT_OUT.findall(html)}
    assert left_out == manifest["left_out"]
    clients = "<li><code>clients</code>: the field <code>secret_hash</code> (client secret hashes)"
    assert clients in html


def test_secrets_without_a_passphrase_is_a_field_error(owner: FlaskClient) -> None:
    token = csrf_of(owner.get("/archive").get_data(as_text=True))
    response = owner.post(
        "/archive/export",
        data={"csrf_token": token, "include_secrets": "on"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        '<p class="error" id="archive-passphrase-error">Secrets go only into an encrypted' in html
    )
    assert 'name="include_secrets" checked' in html
