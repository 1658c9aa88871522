"""The portal in the owner's language (Flask-Babel): their profile's ``language`` when
they chose one, else the browser's best match among the translated languages, else
English. Catalogues are gettext files in ``pds/translations`` (``make messages``)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel, get_locale, get_translations

from pds.i18n import CATALOGUES, use_ambient_translations
from pds.schemas.profile import PORTAL_LANGUAGES
from pds.web.wording_filters import profile_locale

DEFAULT_LANGUAGE = "en"


def portal_language() -> str:
    """The language the page is written in: ``en`` or ``de``."""
    chosen = profile_locale().language
    if chosen in PORTAL_LANGUAGES:
        return chosen
    best = request.accept_languages.best_match(PORTAL_LANGUAGES)
    return best or DEFAULT_LANGUAGE


def portal_timezone() -> str:
    return profile_locale().zone.key


def current_language() -> str:
    """The page's language tag, for ``<html lang>``."""
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def register_i18n(app: Flask) -> None:
    app.jinja_env.globals["current_language"] = current_language
    use_ambient_translations(get_translations)  # pds.i18n text on a page: the page's language
    Babel(
        app,
        locale_selector=portal_language,
        timezone_selector=portal_timezone,
        default_translation_directories=str(CATALOGUES),
    )
