"""The portal in English and German: every template's text is marked for translation, the
German catalogue is complete and compiled, and the owner's language (else the browser's)
picks the page's language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of

WEB = Path(__file__).parents[2] / "pds" / "web"
TEMPLATES = WEB / "templates"
GERMAN = WEB.parent / "translations" / "de" / "LC_MESSAGES"
#: text that is no language: the brand, a protocol, a unit (and separators, numbers)
NOT_LANGUAGE = {"pds", "HTTP", "ms"}
#: attributes people read (or hear) as text
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "data-label"}
#: attributes a macro writes as text (``aria-invalid="true"``)
ATTRIBUTES_AS_TEXT = re.compile(r'[\w-]+="[^"]*"')
JINJA = re.compile(r"\{%-?\s*trans\b.*?endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


class _Text(HTMLParser):
    """The text of a template without its Jinja: what a reader meets untranslated."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")
        self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


def unmarked_text(source: str) -> list[str]:
    """Text with letters in ``source`` outside ``{% trans %}`` and ``{{ _() }}``."""
    parser = _Text()
    parser.feed(JINJA.sub(" ", source))
    parser.close()
    texts = (ATTRIBUTES_AS_TEXT.sub(" ", text).strip() for text in parser.found)
    return [text for text in texts if set(re.findall(r"[^\W\d_]+", text)) - NOT_LANGUAGE]


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_every_template_marks_its_text(template: str) -> None:
    found = unmarked_text((TEMPLATES / template).read_text(encoding="utf-8"))
    assert found == [], f"{template}: text outside trans/_(): {found}"


def test_the_checker_finds_text_outside_trans() -> None:
    source = (
        '<p title="Hint">Hello {{ name }}</p>{% trans %}Marked{% endtrans %}<b>{{ _("x") }}</b>'
    )
    assert unmarked_text(source) == ["Hint", "Hello"]
    assert unmarked_text("<span>pds · 12</span>") == []


def test_the_german_catalogue_has_every_marked_text() -> None:
    with (WEB.parents[1] / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    marked = {
        _frozen(found[2]) for found in extract_from_dir(str(WEB.parent), method_map, options_map)
    }
    with (GERMAN / "messages.po").open("rb") as po:
        catalogue = {_frozen(m.id) for m in read_po(po, locale="de") if m.id}
    assert marked - catalogue == set(), "run make messages and translate"


def test_the_german_catalogue_is_complete_and_compiled() -> None:
    with (GERMAN / "messages.po").open("rb") as po:
        catalogue = read_po(po, locale="de")
    assert catalogue.plural_forms == "nplurals=2; plural=(n != 1);"
    messages = [message for message in catalogue if message.id]
    assert messages
    assert [m.id for m in messages if m.fuzzy] == []
    untranslated = [m.id for m in messages if not all(m.string if m.pluralizable else [m.string])]
    assert untranslated == []
    with (GERMAN / "messages.mo").open("rb") as mo:
        compiled = read_mo(mo)
    assert _pairs(compiled) == _pairs(messages)


def _pairs(messages: Iterable[Message]) -> dict[object, object]:
    """Each message's id and translation, plurals as tuples (``.mo`` and ``.po`` alike)."""
    return {_frozen(m.id): _frozen(m.string) for m in messages if m.id}


def _frozen(text: object) -> object:
    return text if isinstance(text, str) else tuple(text)  # type: ignore[call-overload]


def test_the_browser_language_picks_german(owner: FlaskClient) -> None:
    html = owner.get("/settings", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(True)
    assert '<html lang="de">' in html and "<h1>Einstellungen</h1>" in html
    html = owner.get("/settings", headers={"Accept-Language": "fr, en;q=0.5"}).get_data(True)
    assert '<html lang="en">' in html and "<h1>Settings</h1>" in html
    assert "<h1>Settings</h1>" in owner.get("/settings").get_data(True)


def test_the_owner_chooses_the_language(owner: FlaskClient, services: Services) -> None:
    token = csrf_of(owner.get("/settings").get_data(True))
    response = owner.post("/settings/language", data={"csrf_token": token, "language": "de"})
    assert response.status_code == 303
    assert services.profile.get()["language"] == "de"
    assert services.store.audit.page(limit=1)[0].event["action"] == "profile.update"
    html = owner.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(True)
    assert "Sprache gespeichert." in html and "<h1>Einstellungen</h1>" in html
    assert "Die Zwei-Schritt-Anmeldung ist <strong>aus</strong>." in html
    assert '<option value="de" selected>Deutsch</option>' in html
    owner.post("/settings/language", data={"csrf_token": token, "language": ""})
    assert "<h1>Settings</h1>" in owner.get("/settings").get_data(True)


def test_an_unknown_language_is_refused(owner: FlaskClient, services: Services) -> None:
    token = csrf_of(owner.get("/settings").get_data(True))
    response = owner.post("/settings/language", data={"csrf_token": token, "language": "fr"})
    assert response.status_code == 422
    assert "Choose English or Deutsch." in response.get_data(True)
    assert "language" not in services.profile.get()


def test_the_login_page_speaks_german(client: FlaskClient) -> None:
    html = client.get("/login", headers={"Accept-Language": "de"}).get_data(True)
    assert "<h1>Bei Ihrem Datenspeicher anmelden</h1>" in html
    assert '<label for="password">Passwort</label>' in html


def test_the_purchase_form_speaks_german(owner: FlaskClient, services: Services) -> None:
    services.relationships.add({"kind": "vendor", "name": "Corner Shop"})
    html = owner.get("/purchases/new", headers={"Accept-Language": "de"}).get_data(True)
    assert "<h1>Einen Einkauf hinzufügen</h1>" in html
    assert '<label for="f-items-0-description">Posten 1</label>' in html
    assert '<label for="f-items-1-description">Posten 2</label>' in html


def test_the_dashboard_speaks_german(owner: FlaskClient) -> None:
    html = owner.get("/", headers={"Accept-Language": "de"}).get_data(True)
    assert "<h1>Ihr Datenspeicher</h1>" in html and "Keine neuen Belege von Anbietern." in html
    assert "0 gültige Angebote" in html and "zu 0 offenen Anfragen" in html
