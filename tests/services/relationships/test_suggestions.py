"""A suggested target's sentence, in English and in German (suggestions.py)."""

from __future__ import annotations

from pds.i18n import written_in
from pds.services.relationships.cadence import about
from pds.services.relationships.suggestions import SuggestedTarget


def test_a_suggestion_reads_as_a_sentence() -> None:
    suggestion = SuggestedTarget("r1", "Ada", 30, about(30))
    assert suggestion.text == "You talk about monthly (every 30 days): remind me at that rhythm"


def test_a_suggestion_reads_in_german() -> None:
    with written_in("de"):
        suggestion = SuggestedTarget("r1", "Ada", 30, about(30))
        assert suggestion.text == (
            "Sie haben etwa monatlich Kontakt (alle 30 Tage): in diesem Rhythmus erinnern"
        )
        assert SuggestedTarget("r1", "Ada", 1, about(1)).text == (
            "Sie haben etwa täglich Kontakt (jeden Tag): in diesem Rhythmus erinnern"
        )
