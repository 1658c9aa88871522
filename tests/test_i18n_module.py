"""pds.i18n: text written in a chosen language outside a page, English otherwise."""

from __future__ import annotations

import pytest

from pds.i18n import catalogue, gettext, language, ngettext, written_in


def test_english_is_the_source_text() -> None:
    assert gettext("Language saved.") == "Language saved."
    with written_in("en"):
        assert gettext("Language saved.") == "Language saved."


def test_a_chosen_language_holds_inside_the_block_only() -> None:
    with written_in("de"):
        assert gettext("Language saved.") == "Sprache gespeichert."
    assert gettext("Language saved.") == "Language saved."


def test_placeholders_and_plurals() -> None:
    assert ngettext("%(num)d item", "%(num)d items", 1) == "1 item"
    assert ngettext("%(num)d item", "%(num)d items", 3) == "3 items"
    assert gettext("Hello %(name)s", name="Ada") == "Hello Ada"


def test_an_untranslated_language_is_refused() -> None:
    with pytest.raises(ValueError, match="not translated into 'fr'"):
        catalogue("fr")


def test_the_language_being_written() -> None:
    assert language() == "en"
    with written_in("de"):
        assert language() == "de"
