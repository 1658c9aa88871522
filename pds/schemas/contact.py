"""Contact points: e-mail addresses, phone numbers, web addresses and domain names."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from marshmallow import ValidationError, validate
from publicsuffixlist import PublicSuffixList

from pds.schemas.common import Text

_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-/]{2,30}(;ext=[0-9]{1,10})?$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$")


class Email(Text):
    default_error_messages = {"email": "Not a valid e-mail address."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=254, **kwargs)
        self._email = validate.Email()

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        local, _, domain = text.rpartition("@")
        text = f"{local}@{domain.lower()}"
        try:
            self._email(text)
        except ValidationError:
            raise self.make_error("email") from None
        return text


class Phone(Text):
    """A phone number: digits with optional leading ``+`` (E.164 preferred) and separators."""

    default_error_messages = {"phone": "Not a valid phone number (e.g. +49 30 1234567)."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=40, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _PHONE.match(text):
            raise self.make_error("phone")
        return text


class Url(Text):
    """An absolute ``http`` or ``https`` URL."""

    default_error_messages = {"url": "Not a valid http(s) URL."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=2000, **kwargs)
        self._url = validate.URL(schemes={"http", "https"}, require_tld=False)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            self._url(text)
        except ValidationError:
            raise self.make_error("url") from None
        return text


def normalise_domain(value: str) -> str:
    """``value`` as a lower-case ASCII (IDNA) domain name; ``ValueError`` if it is not one."""
    text = value.strip().lower().rstrip(".")
    try:
        ascii_name = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("not a domain name") from None
    labels = ascii_name.split(".")
    if (
        len(ascii_name) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not _TLD.match(labels[-1])
    ):
        raise ValueError("not a domain name")
    return ascii_name


@cache
def _public_suffixes() -> PublicSuffixList:
    """The Public Suffix List snapshot bundled with ``publicsuffixlist`` (read once; the
    library never fetches a newer one at run time)."""
    return PublicSuffixList()


def registrable_domain(host: str) -> str | None:
    """The domain a registrant holds that ``host`` belongs to ("eTLD+1", in ASCII form):
    ``www.shop.example.co.uk`` -> ``example.co.uk``, ``alice.github.io`` -> itself.

    By the Public Suffix List with its private section (each ``github.io`` user's site is
    its own) and its default rule (an unlisted top-level domain such as ``example`` is a
    suffix of one label). ``None`` when ``host`` has none: an IP address, a single label,
    or a public suffix itself (``co.uk``, ``github.io``).
    """
    try:
        name = normalise_domain(host)
    except ValueError:
        return None
    found = _public_suffixes().privatesuffix(name)
    return str(found) if found else None


class Domain(Text):
    """A domain name such as ``example.com`` (no scheme, no path); stored in ASCII form."""

    default_error_messages = {"domain": "Not a valid domain name (e.g. shop.example)."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=253, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalise_domain(text)
        except ValueError:
            raise self.make_error("domain") from None
