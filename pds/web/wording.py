"""How the portal names things: plain words for scopes, preference keys and values, RFP
requirements, grant statuses and what vendors did. Plain functions, no Flask; the
technical names stay available to templates for their "Technical details" disclosures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from policies.scopes import CATALOGUE

OPERATORS = {
    "eq": "is",
    "ne": "is not",
    "lt": "less than",
    "le": "at most",
    "gt": "more than",
    "ge": "at least",
    "in": "is one of",
    "before": "before",
    "after": "after",
}
# what a vendor's API call did, by method and route (under /api/v1); {n} is the count
CALLS = {
    "GET /me": "read your profile",
    "GET /preferences": "read {n} of your preferences",
    "GET /relationship": "read what you share about your relationship with it",
    "GET /purchases": "read {n} of your purchases",
    "GET /purchases/<purchase_id>": "read one of your purchases",
    "POST /purchases": "sent you a receipt",
    "GET /rfps": "looked through your RFPs",
    "GET /rfps/<pseudonym>": "read one of your RFPs",
    "PUT /rfps/<pseudonym>/offer": "made or changed an offer",
    "GET /offers": "read its offers",
    "GET /offers/<offer_id>": "read one of its offers",
    "POST /offers/<offer_id>/withdraw": "withdrew an offer",
    "POST /offers/<offer_id>/questions": "asked you a question about an RFP",
    "GET /subscription": "checked its RFP notifications",
    "PUT /subscription": "set up RFP notifications",
    "POST /subscription": "set up RFP notifications",
    "DELETE /subscription": "stopped its RFP notifications",
    "POST /subscription/secret": "renewed its RFP notification secret",
}
API_PREFIX = "/api/v1"
# what a vendor's other audited actions mean (the actor is "vendor:<client id>")
VENDOR_ACTIONS = {
    "token.authorization_code": "started using the access you allowed",
    "token.refresh_token": "renewed its access",
    "token.client_credentials": "connected to answer your RFPs",
    "token.revoke": "gave up its access",
    "grant.standing": "was let in to answer your RFPs",
    "grant.revoked": "lost its access",
    "grant.expired": "lost its access: it ended",
    "offer.submit": "made an offer",
    "offer.update": "changed its offer",
    "offer.withdraw": "withdrew its offer",
    "subscription.create": "set up RFP notifications",
    "subscription.update": "changed its RFP notifications",
    "subscription.delete": "stopped its RFP notifications",
    "subscription.rotate": "renewed its RFP notification secret",
    "purchase.create": "added a receipt to your purchases",
}
# what the owner's own audited actions mean ({vendor} is the vendor's name when known)
OWNER_ACTIONS = {
    "grant.allow": "You allowed {vendor} access: {what}",
    "grant.deny": "You said no to {vendor}",
    "grant.revoked": "You revoked {vendor}'s access",
    "client.block": "You blocked {vendor}",
    "client.unblock": "You unblocked {vendor}",
    "client.approve": "You approved {vendor}",
    "login.ok": "You signed in",
    "login.failed": "Someone failed to sign in as you",
    "password.changed": "You changed your password",
    "totp.enabled": "You turned on two-step login",
    "totp.disabled": "You turned off two-step login",
    "keys.rotate": "You renewed the key that encrypts your records",
}
PURCHASE_REACHES = {
    "vendor": "only those made with this vendor",
    "categories": "those in the categories",
    "all": "all of them",
}
# what a webhook told a vendor (pds.services.intents.webhooks.EVENTS)
WEBHOOK_EVENTS = {
    "rfp.published": "The RFP was published",
    "rfp.updated": "The RFP was amended",
    "rfp.closed": "The RFP was closed",
    "offer.awarded": "Its offer won",
    "offer.not_selected": "Its offer was not chosen",
    "offer.answered": "You answered its question",
}
REASONS = {"revoked": "by you", "blocked": "vendor blocked", "expired": "it ended"}
SHORT_WORDS = {"eu", "uk", "us", "id", "url", "tv", "usb", "eur", "usd", "gbp"}


def scope_title(name: str) -> str:
    """The plain-language title of a scope (the catalogue's), or the name made readable."""
    scope = CATALOGUE.get(name)
    return scope.title if scope else humanise(name)


def scope_titles(names: Iterable[str]) -> str:
    """Several scopes' titles, in catalogue order, as one phrase."""
    order = list(CATALOGUE)
    chosen = sorted(set(names), key=lambda n: order.index(n) if n in order else len(order))
    return join_words([scope_title(name) for name in chosen])


def join_words(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def humanise(key: str) -> str:
    """A dotted, snake-cased key as words: ``clothing.shoe_size_eu`` -> ``Clothing: shoe
    size EU``."""
    parts = [_words(part) for part in re.split(r"[.:/]", key) if part]
    if not parts:
        return key
    text = ": ".join(parts)
    return text[:1].upper() + text[1:]


def _words(part: str) -> str:
    words = [w for w in re.split(r"[_\-\s]+", part) if w]
    return " ".join(w.upper() if w.lower() in SHORT_WORDS else w for w in words)


def value_words(value: Any) -> str:
    """A preference or requirement value as words: lists joined, booleans yes/no."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "not set"
    if isinstance(value, Mapping):
        return "; ".join(f"{humanise(str(k))}: {value_words(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return join_list([value_words(v) for v in value])
    return str(value)


def join_list(words: list[str]) -> str:
    return ", ".join(words) if words else "none"


def operator_words(operator: str) -> str:
    """A requirement's operator (``ge``) as words (``at least``)."""
    return OPERATORS.get(operator, operator)


def requirement_sentence(requirement: Mapping[str, Any]) -> str:
    """An RFP requirement as a sentence: ``battery_hours ge 20`` -> ``battery hours at
    least 20``; a list of values reads as alternatives."""
    key = humanise(str(requirement.get("key", ""))).lower()
    operator = str(requirement.get("operator", ""))
    value = requirement.get("value")
    if isinstance(value, (list, tuple)) and operator in ("eq", "ne", "in"):
        alternatives = [value_words(v) for v in value]
        verb = "is none of" if operator == "ne" else "is one of"
        return f"{key} {verb} {join_list(alternatives)}"
    return f"{key} {OPERATORS.get(operator, operator)} {value_words(value)}"


def purchase_reach(reach: str | None) -> str:
    """Which purchases a grant reaches (``vendor`` | ``categories`` | ``all``), in words."""
    return PURCHASE_REACHES.get(reach or "vendor", humanise(str(reach)).lower())


def webhook_event(event: str) -> str:
    """What a webhook message told the vendor, as a sentence."""
    return WEBHOOK_EVENTS.get(event, humanise(event))


def grant_status(grant: Mapping[str, Any]) -> str:
    """A grant's status in words (a revoked one says why, once)."""
    status = str(grant.get("status", ""))
    reason = grant.get("reason")
    if status != "revoked" or not reason:
        return status
    return f"revoked ({REASONS.get(str(reason), humanise(str(reason)).lower())})"


def vendor_did(entry: Any, vendor: str) -> str:
    """What a vendor did (an access-log entry: ``endpoint``, ``count``, ``action``) as a
    sentence: ``Demo Shop read 15 of your preferences``."""
    endpoint = getattr(entry, "endpoint", None)
    if endpoint:
        return f"{vendor} {call_words(endpoint, getattr(entry, 'count', None))}"
    action = str(getattr(entry, "action", ""))
    return f"{vendor} {VENDOR_ACTIONS.get(action, 'did something with your store')}"


def call_words(endpoint: str, count: int | None) -> str:
    """One API route (``GET /api/v1/preferences``) as what the vendor did."""
    method, _, path = endpoint.partition(" ") if " " in endpoint else ("GET", "", endpoint)
    route = f"{method} {path.removeprefix(API_PREFIX)}"
    phrase = CALLS.get(route, "used your store's API")
    if "{n} of " in phrase and count == 0:
        return "asked for " + phrase.split("{n} of ", 1)[1] + "; none were sent"
    return phrase.format(n=count if count is not None else "some")


def owner_did(action: str, vendor: str = "a vendor", scopes: Iterable[str] = ()) -> str:
    """What the owner did (an audit action) as a sentence."""
    sentence = OWNER_ACTIONS.get(action, "You changed your store")
    what = scope_titles(scopes) or "your data"
    return sentence.format(vendor=vendor, what=what[:1].lower() + what[1:])
