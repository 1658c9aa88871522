"""The policies' words the owner reads are extracted for translation (babel.cfg, ``make
messages``) and translated into German; the terms' summary follows the given language."""

from __future__ import annotations

import io
import json
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from pds.i18n import gettext, ngettext, written_in
from policies._resources import read_json
from policies.messages import extract_policies, texts_of
from policies.scopes import CATALOGUE
from policies.terms import PURPOSES, default_terms, summary

ROOT = Path(__file__).parents[2]
GERMAN_PO = ROOT / "pds" / "translations" / "de" / "LC_MESSAGES" / "messages.po"


def _policy_texts() -> set[str]:
    return {text for name in ("scopes.json", "terms.json") for text in texts_of(read_json(name))}


def _extracted_from_policies() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT / "policies"), method_map, options_map)
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def test_every_scope_title_and_description_purpose_and_default_clause_is_a_policy_text() -> None:
    texts = _policy_texts()
    for scope in CATALOGUE.values():
        assert {scope.title, scope.description} <= texts
    assert set(PURPOSES.values()) <= texts
    for clause in default_terms()["clauses"]:
        assert {clause["title"], clause["text"]} <= texts


def test_the_extraction_method_yields_each_text_of_a_data_file() -> None:
    document = {"scopes": [{"title": " Sign you in ", "description": "Lets it sign you in."}]}
    source = io.BytesIO(json.dumps(document).encode("utf-8"))
    found = list(extract_policies(source, {}, [], {}))
    assert [message for _, _, message, _ in found] == ["Sign you in", "Lets it sign you in."]
    assert texts_of(["not", "a", "policy"]) == []


def test_make_messages_extracts_the_policies_words() -> None:
    extracted = _extracted_from_policies()
    assert _policy_texts() <= extracted
    assert "Use my data only for %(purposes)s." in extracted  # the summary's own sentences
    assert "Do not share, sell or rent my data to anyone else." in extracted


def test_every_policy_text_is_translated_into_german() -> None:
    with GERMAN_PO.open("rb") as po:
        catalogue = read_po(po, locale="de")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.string}
    assert _extracted_from_policies() - translated == set()


def test_the_summary_is_english_unless_a_language_is_given() -> None:
    terms = default_terms()
    english = summary(terms)
    assert english[0].startswith("Use my data only for fulfilling the orders I place with you")
    assert english[1].startswith("Keep my data no longer than 365 days after you receive it")
    with written_in("de"):
        german = summary(terms, gettext, ngettext)
    assert len(german) == len(english)
    assert german[0].startswith("Nutzen Sie meine Daten nur für: die Abwicklung meiner")
    assert "; und die Aufbewahrung der Unterlagen" in german[0]
    assert german[-1].startswith("Diese Bedingungen gelten: Dies sind meine Bedingungen")
    one_day = summary({**terms, "retention_days": 1, "clauses": []}, gettext, ngettext)
    assert "no longer than 1 day after" in one_day[1]
    with written_in("de"):
        own = summary(
            {**terms, "clauses": [{"id": "x", "title": "Mine", "text": "As I wrote it."}]},
            gettext,
            ngettext,
        )
    assert own[-1] == "Mine: As I wrote it."
