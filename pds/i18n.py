"""Text in the owner's language wherever pds writes it: the portal (through Flask-Babel,
which the web layer plugs in here), and what is written outside a page, such as the
reminder e-mail and the insights' explanations (``with written_in(language): ...``).

One set of gettext catalogues serves both: ``pds/translations/<lang>/LC_MESSAGES``
(``make messages`` extracts, merges and compiles them). Messages use gettext's named
placeholders, ``gettext("Logged a %(kind)s.", kind=...)``; ``ngettext`` also offers
``%(num)d``. The domain's own error messages stay English (docs/portal.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.support import Translations

#: the languages pds is translated into; English is the source language
LANGUAGES = ("en", "de")
CATALOGUES = Path(__file__).parent / "translations"

_chosen: ContextVar[NullTranslations | None] = ContextVar("pds_translations", default=None)
_ambient: Callable[[], NullTranslations] = NullTranslations


@cache
def catalogue(language: str) -> NullTranslations:
    """The compiled catalogue of one language (English: the source text itself)."""
    if language not in LANGUAGES:
        raise ValueError(f"pds is not translated into {language!r}")
    return Translations.load(str(CATALOGUES), [language], domain="messages")


def use_ambient_translations(source: Callable[[], NullTranslations]) -> None:
    """Where text goes when nobody chose a language (the web layer: the page's language)."""
    global _ambient
    _ambient = source


@contextmanager
def written_in(language: str) -> Iterator[None]:
    """Write the text made inside the block in ``language``."""
    token = _chosen.set(catalogue(language))
    try:
        yield
    finally:
        _chosen.reset(token)


def language() -> str:
    """The language text is written in here: the chosen one, else the page's, else English."""
    found = str(_translations().info().get("language", "")).replace("-", "_").split("_")[0]
    return found if found in LANGUAGES else LANGUAGES[0]


def N_(message: str) -> str:
    """Mark text kept in a constant for extraction; translate it with ``gettext`` where used."""
    return message


def _translations() -> NullTranslations:
    return _chosen.get() or _ambient()


def gettext(message: str, **values: object) -> str:
    text = _translations().gettext(message)
    return text % values if values else text


def translated(words: Mapping[Any, str], key: Any, otherwise: str | None = None) -> str:
    """``words[key]`` (text marked with ``N_``) in the language written in; ``otherwise``,
    else the key itself, when ``words`` has no such key."""
    if key in words:
        return gettext(words[key])
    return str(key) if otherwise is None else otherwise


def pgettext(context: str, message: str, **values: object) -> str:
    """``gettext`` for a message whose words depend on what it is about (``context``)."""
    text = _translations().pgettext(context, message)
    return text % values if values else text


def ngettext(singular: str, plural: str, num: int, **values: object) -> str:
    return _translations().ngettext(singular, plural, num) % {"num": num, **values}
