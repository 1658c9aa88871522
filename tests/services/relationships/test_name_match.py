"""Matching what the owner types to a relationship: case, accents, prefixes, spelling."""

from __future__ import annotations

from pds.services.relationships.name_match import candidates, folded

PEOPLE = [
    {"id": "a1", "name": "Jonas Weber", "kind": "person"},
    {"id": "a2", "name": "Jonás Müller", "kind": "person"},
    {"id": "a3", "name": "Ada Lovelace", "kind": "person"},
]


def _ids(text: str) -> list[str]:
    return [r["id"] for r in candidates(text, PEOPLE)]


def test_folding_drops_case_accents_and_extra_spaces() -> None:
    assert folded("  Jonás   MÜLLER ") == "jonas muller"


def test_an_id_wins_outright() -> None:
    assert _ids("a3") == ["a3"]


def test_exact_name_beats_prefixes() -> None:
    assert _ids("jonas weber") == ["a1"]


def test_a_prefix_fitting_two_names_gives_both() -> None:
    assert _ids("jonas") == ["a1", "a2"]


def test_a_word_prefix_and_accents_match() -> None:
    assert _ids("mull") == ["a2"]
    assert _ids("Lovelace") == ["a3"]


def test_a_misspelling_finds_the_close_name() -> None:
    assert _ids("ada lovelac") == ["a3"]
    assert _ids("jonas webr") == ["a1"]


def test_nothing_alike_finds_nothing() -> None:
    assert _ids("zebra") == []
    assert _ids("   ") == []
