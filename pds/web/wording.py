"""How the portal names things: plain words for scopes, preference keys and values, RFP
requirements, grant statuses and what vendors did. Plain functions, no Flask; the
technical names stay available to templates for their "Technical details" disclosures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from babel.numbers import format_decimal

from pds.i18n import N_, gettext, language, ngettext, translated
from policies.scopes import CATALOGUE

OPERATORS = {
    "eq": N_("is"),
    "ne": N_("is not"),
    "lt": N_("less than"),
    "le": N_("at most"),
    "gt": N_("more than"),
    "ge": N_("at least"),
    "in": N_("is one of"),
    "before": N_("before"),
    "after": N_("after"),
}
# what a vendor's API call did, by method and route (under /api/v1)
CALLS = {
    "GET /me": N_("read your profile"),
    "GET /relationship": N_("read what you share about your relationship with it"),
    "GET /purchases/<purchase_id>": N_("read one of your purchases"),
    "POST /purchases": N_("sent you a receipt"),
    "GET /rfps": N_("looked through your RFPs"),
    "GET /rfps/<pseudonym>": N_("read one of your RFPs"),
    "PUT /rfps/<pseudonym>/offer": N_("made or changed an offer"),
    "GET /offers": N_("read its offers"),
    "GET /offers/<offer_id>": N_("read one of its offers"),
    "POST /offers/<offer_id>/withdraw": N_("withdrew an offer"),
    "POST /offers/<offer_id>/questions": N_("asked you a question about an RFP"),
    "GET /subscription": N_("checked its RFP notifications"),
    "PUT /subscription": N_("set up RFP notifications"),
    "POST /subscription": N_("set up RFP notifications"),
    "DELETE /subscription": N_("stopped its RFP notifications"),
    "POST /subscription/secret": N_("renewed its RFP notification secret"),
}
API_PREFIX = "/api/v1"
# what a vendor's other audited actions mean (the actor is "vendor:<client id>")
VENDOR_ACTIONS = {
    "token.authorization_code": N_("started using the access you allowed"),
    "token.refresh_token": N_("renewed its access"),
    "token.client_credentials": N_("connected to answer your RFPs"),
    "token.revoke": N_("gave up its access"),
    "grant.standing": N_("was let in to answer your RFPs"),
    "grant.revoked": N_("lost its access"),
    "grant.expired": N_("lost its access: it ended"),
    "offer.submit": N_("made an offer"),
    "offer.update": N_("changed its offer"),
    "offer.withdraw": N_("withdrew its offer"),
    "subscription.create": N_("set up RFP notifications"),
    "subscription.update": N_("changed its RFP notifications"),
    "subscription.delete": N_("stopped its RFP notifications"),
    "subscription.rotate": N_("renewed its RFP notification secret"),
    "purchase.create": N_("added a receipt to your purchases"),
}
# what the owner's own audited actions mean (%(vendor)s is the vendor's name when known)
OWNER_ACTIONS = {
    "grant.allow": N_("You allowed %(vendor)s access: %(what)s"),
    "grant.deny": N_("You said no to %(vendor)s"),
    "grant.revoked": N_("You revoked %(vendor)s's access"),
    "client.block": N_("You blocked %(vendor)s"),
    "client.unblock": N_("You unblocked %(vendor)s"),
    "client.approve": N_("You approved %(vendor)s"),
    "login.ok": N_("You signed in"),
    "login.failed": N_("Someone failed to sign in as you"),
    "password.changed": N_("You changed your password"),
    "totp.enabled": N_("You turned on two-step login"),
    "totp.disabled": N_("You turned off two-step login"),
    "keys.rotate": N_("You renewed the key that encrypts your records"),
}
PURCHASE_REACHES = {
    "vendor": N_("only those made with this vendor"),
    "categories": N_("those in the categories"),
    "all": N_("all of them"),
}
# what a webhook told a vendor (pds.services.intents.webhooks.EVENTS)
WEBHOOK_EVENTS = {
    "rfp.published": N_("The RFP was published"),
    "rfp.updated": N_("The RFP was amended"),
    "rfp.closed": N_("The RFP was closed"),
    "offer.awarded": N_("Its offer won"),
    "offer.not_selected": N_("Its offer was not chosen"),
    "offer.answered": N_("You answered its question"),
}
#: the states of RFPs (and their history), offers, webhook deliveries and purchases
STATES = {
    "draft": N_("draft"),
    "open": N_("open"),
    "awarded": N_("awarded"),
    "closed": N_("closed"),
    "expired": N_("expired"),
    "withdrawn": N_("withdrawn"),
    "live": N_("live"),
    "not_selected": N_("not selected"),
    "pending": N_("pending"),
    "delivered": N_("delivered"),
    "failed": N_("failed"),
    "new": N_("new"),
    "reviewed": N_("reviewed"),
}
GRANT_STATUSES = {"active": N_("active"), "revoked": N_("revoked"), "expired": N_("expired")}
REASONS = {"revoked": N_("by you"), "blocked": N_("vendor blocked"), "expired": N_("it ended")}
SHORT_WORDS = {"eu", "uk", "us", "id", "url", "tv", "usb", "eur", "usd", "gbp"}


def scope_title(name: str) -> str:
    """The plain-language title of a scope (the catalogue's), or the name made readable."""
    scope = CATALOGUE.get(name)
    return gettext(scope.title) if scope else humanise(name)


def in_sentence(title: str) -> str:
    """A title inside a sentence: English lowers its capital; German keeps it (nouns)."""
    return title[:1].lower() + title[1:] if language() == "en" else title


def scope_titles(names: Iterable[str]) -> str:
    """Several scopes' titles, in catalogue order, as one phrase."""
    order = list(CATALOGUE)
    chosen = sorted(set(names), key=lambda n: order.index(n) if n in order else len(order))
    return join_words([scope_title(name) for name in chosen])


def join_words(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return gettext("%(words)s and %(last)s", words=", ".join(words[:-1]), last=words[-1])


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
        return gettext("yes")
    if value is False:
        return gettext("no")
    if value is None:
        return gettext("not set")
    if isinstance(value, Mapping):
        return "; ".join(f"{humanise(str(k))}: {value_words(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return join_list([value_words(v) for v in value])
    if isinstance(value, (int, float)):  # bool is handled above
        return str(format_decimal(value, locale=language()))  # 9.5, 9,5 on a German page
    return str(value)


def join_list(words: list[str]) -> str:
    return ", ".join(words) if words else gettext("none")


def operator_words(operator: str) -> str:
    """A requirement's operator (``ge``) as words (``at least``)."""
    return translated(OPERATORS, operator)


def requirement_sentence(requirement: Mapping[str, Any]) -> str:
    """An RFP requirement as a sentence: ``battery_hours ge 20`` -> ``battery hours at
    least 20``; a list of values reads as alternatives."""
    key = humanise(str(requirement.get("key", ""))).lower()
    operator = str(requirement.get("operator", ""))
    value = requirement.get("value")
    if isinstance(value, (list, tuple)) and operator in ("eq", "ne", "in"):
        alternatives = join_list([value_words(v) for v in value])
        if operator == "ne":
            return gettext("%(key)s is none of %(values)s", key=key, values=alternatives)
        return gettext("%(key)s is one of %(values)s", key=key, values=alternatives)
    return gettext(
        "%(key)s %(operator)s %(value)s",
        key=key,
        operator=operator_words(operator),
        value=value_words(value),
    )


def purchase_reach(reach: str | None) -> str:
    """Which purchases a grant reaches (``vendor`` | ``categories`` | ``all``), in words."""
    words = PURCHASE_REACHES.get(reach or "vendor")
    return gettext(words) if words else humanise(str(reach)).lower()


def state_words(state: str) -> str:
    """An RFP's, offer's, delivery's or purchase's state in words (an unknown one as it is)."""
    return translated(STATES, state, state.replace("_", " "))


def webhook_event(event: str) -> str:
    """What a webhook message told the vendor, as a sentence."""
    return translated(WEBHOOK_EVENTS, event, humanise(event))


def grant_status(grant: Mapping[str, Any]) -> str:
    """A grant's status in words (a revoked one says why, once)."""
    status = str(grant.get("status", ""))
    reason = grant.get("reason")
    words = translated(GRANT_STATUSES, status)
    if status != "revoked" or not reason:
        return words
    why = REASONS.get(str(reason))
    return gettext(
        "%(status)s (%(reason)s)",
        status=words,
        reason=gettext(why) if why else humanise(str(reason)).lower(),
    )


def vendor_did(entry: Any, vendor: str) -> str:
    """What a vendor did (an access-log entry: ``endpoint``, ``count``, ``action``) as a
    sentence: ``Demo Shop read 15 of your preferences``."""
    endpoint = getattr(entry, "endpoint", None)
    if endpoint:
        did = call_words(endpoint, getattr(entry, "count", None))
    else:
        action = VENDOR_ACTIONS.get(str(getattr(entry, "action", "")))
        did = gettext(action) if action else gettext("did something with your store")
    return gettext("%(vendor)s %(did)s", vendor=vendor, did=did)


def call_words(endpoint: str, count: int | None) -> str:
    """One API route (``GET /api/v1/preferences``) as what the vendor did."""
    method, _, path = endpoint.partition(" ") if " " in endpoint else ("GET", "", endpoint)
    route = f"{method} {path.removeprefix(API_PREFIX)}"
    if route == "GET /preferences":
        return _preferences_read(count)
    if route == "GET /purchases":
        return _purchases_read(count)
    phrase = CALLS.get(route)
    return gettext(phrase) if phrase else gettext("used your store's API")


def _preferences_read(count: int | None) -> str:
    if count is None:
        return gettext("read some of your preferences")
    if count == 0:
        return gettext("asked for your preferences; none were sent")
    return ngettext("read %(num)d of your preferences", "read %(num)d of your preferences", count)


def _purchases_read(count: int | None) -> str:
    if count is None:
        return gettext("read some of your purchases")
    if count == 0:
        return gettext("asked for your purchases; none were sent")
    return ngettext("read %(num)d of your purchases", "read %(num)d of your purchases", count)


def owner_did(action: str, vendor: str | None = None, scopes: Iterable[str] = ()) -> str:
    """What the owner did (an audit action) as a sentence; ``vendor`` is the vendor's name
    ("a vendor" when unknown)."""
    sentence = OWNER_ACTIONS.get(action)
    if sentence is None:
        return gettext("You changed your store")
    titles = scope_titles(scopes)
    what = in_sentence(titles) if titles else gettext("your data")
    return gettext(sentence, vendor=vendor or gettext("a vendor"), what=what)
