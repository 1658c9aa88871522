"""Grant evaluation: may this grant make this read (or write) of this record, now?

Pure functions over the grant record as a plain mapping (see the grant format in
``docs/security.md``). Everything not explicitly allowed is refused: an unknown
status, a scope that does not cover the collection, constraints that cannot be read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from policies._text import check_text
from policies.scopes import CATALOGUE

PURCHASE_REACHES = ("vendor", "categories", "all")
SHARED_VISIBILITIES = ("shared", "public")
CONSTRAINT_FIELDS = ("purchases", "categories", "since")
MAX_CATEGORIES = 50
MAX_CATEGORY = 64
_LABEL_FORBIDDEN = re.compile(r"[,;|]")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: The collections each scope reaches; a scope reaches nothing else.
SCOPE_COLLECTIONS: Mapping[str, frozenset[str]] = {
    "openid": frozenset({"profile"}),
    "profile": frozenset({"profile"}),
    "email": frozenset({"profile"}),
    "phone": frozenset({"profile"}),
    "address": frozenset({"profile"}),
    "offline_access": frozenset(),
    "purchases:read": frozenset({"purchases"}),
    "purchases:write": frozenset({"purchases"}),
    "preferences:read": frozenset({"preferences"}),
    "relationship:read": frozenset({"relationships"}),
    "rfp:respond": frozenset({"rfps"}),
}


@dataclass(frozen=True)
class Decision:
    """Allowed or not, and why: ``"<code>: <words>"`` (``code`` alone is stable)."""

    allowed: bool
    reason: str

    @property
    def code(self) -> str:
        return self.reason.partition(":")[0]

    def __bool__(self) -> bool:
        return self.allowed


def _allow(code: str, words: str) -> Decision:
    return Decision(True, f"{code}: {words}")


def _deny(code: str, words: str) -> Decision:
    return Decision(False, f"{code}: {words}")


# -- constraints ------------------------------------------------------------------------


class ConstraintsInvalid(ValueError):
    """A grant's constraints cannot be used; ``details`` maps each field to what is wrong."""

    def __init__(self, details: Mapping[str, list[str]]) -> None:
        self.details: dict[str, list[str]] = {k: list(v) for k, v in details.items()}
        super().__init__(f"invalid constraints: check {', '.join(sorted(self.details))}")


def validate_constraints(data: Any) -> dict[str, Any]:
    """The constraints object normalised (``None`` is the default: the vendor's own purchases).

    ``{"purchases": "vendor" | "categories" | "all", "categories": [...], "since": day | None}``;
    categories are lower-case labels, used (and required) only with ``"categories"``.
    """
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConstraintsInvalid({"_schema": ["Constraints must be an object."]})
    errors: dict[str, list[str]] = {
        str(field): ["Unknown field."] for field in data if field not in CONSTRAINT_FIELDS
    }
    reach = data.get("purchases", "vendor")
    if reach not in PURCHASE_REACHES:
        errors["purchases"] = [f"Must be one of: {', '.join(PURCHASE_REACHES)}."]
    categories, messages = _categories(data.get("categories", []))
    if not messages and reach == "categories" and not categories:
        messages = ["Choose at least one category."]
    elif not messages and reach != "categories" and categories:
        messages = ["Only used when purchases is categories."]
    if messages:
        errors["categories"] = messages
    since, messages = _since(data.get("since"))
    if messages:
        errors["since"] = messages
    if errors:
        raise ConstraintsInvalid(errors)
    return {"purchases": reach, "categories": categories, "since": since}


def _categories(value: Any) -> tuple[list[str], list[str]]:
    if not isinstance(value, list | tuple):
        return [], ["Must be a list of categories."]
    if len(value) > MAX_CATEGORIES:
        return [], [f"At most {MAX_CATEGORIES} categories."]
    labels: list[str] = []
    for item in value:
        text, messages = check_text(item, max_length=MAX_CATEGORY)
        if not messages and _LABEL_FORBIDDEN.search(text):
            messages = ["A category must not contain any of: , ; |"]
        if messages:
            return [], [f"{item!r}: {messages[0]}"]
        if text.lower() not in labels:
            labels.append(text.lower())
    return labels, []


def _since(value: Any) -> tuple[str | None, list[str]]:
    if value is None:
        return None, []
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat(), []
    if isinstance(value, str) and _DAY.match(value):
        try:
            return date.fromisoformat(value).isoformat(), []
        except ValueError:
            pass
    return None, ["Must be a date (YYYY-MM-DD) or null."]


@dataclass(frozen=True)
class PurchaseReach:
    """Which purchases a grant reaches, for pushing into a query.

    ``vendor_id`` and ``categories`` both ``None``: every purchase. ``categories == ()``:
    none at all (a grant limited to its vendor's purchases that names no vendor).
    ``since``: only purchases dated on or after that day.
    """

    vendor_id: str | None
    categories: tuple[str, ...] | None
    since: str | None

    @property
    def nothing(self) -> bool:
        return self.categories == ()

    def check(self, record: Mapping[str, Any]) -> Decision:
        """Whether the purchase ``record`` is within this reach, and why not."""
        if self.vendor_id is not None and record.get("vendor_id") != self.vendor_id:
            return _deny("other_vendor", "the purchase was made with another vendor")
        category = record.get("category")
        if self.categories is not None and (
            not isinstance(category, str) or category.strip().lower() not in self.categories
        ):
            return _deny("category_excluded", "the purchase is not in a granted category")
        if self.since is not None:
            day = _record_day(record)
            if day is None:
                return _deny("record_undated", "the purchase has no date to check against since")
            if day < self.since:
                return _deny("before_since", f"the purchase is dated before {self.since}")
        return _allow("allowed", "the purchase is within the grant's reach")


def purchase_reach(grant: Mapping[str, Any]) -> PurchaseReach:
    """The purchases ``grant`` reaches (``ConstraintsInvalid`` if its constraints are bad)."""
    return _reach(grant, validate_constraints(grant.get("constraints")))


def _reach(grant: Mapping[str, Any], constraints: Mapping[str, Any]) -> PurchaseReach:
    since = constraints["since"]
    if constraints["purchases"] == "all":
        return PurchaseReach(None, None, since)
    if constraints["purchases"] == "categories":
        return PurchaseReach(None, tuple(constraints["categories"]), since)
    vendor_id = _vendor_of(grant)
    return PurchaseReach(vendor_id, None if vendor_id else (), since)


def _record_day(record: Mapping[str, Any]) -> str | None:
    value = record.get("date")
    if isinstance(value, str) and len(value) >= 10 and _DAY.match(value[:10]):
        return value[:10]
    return None


def _vendor_of(grant: Mapping[str, Any]) -> str | None:
    vendor_id = grant.get("vendor_id")
    return vendor_id if isinstance(vendor_id, str) and vendor_id else None


# -- status and scopes ------------------------------------------------------------------


def _instant(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def grant_status(grant: Mapping[str, Any], now: datetime) -> Decision:
    """Whether ``grant`` is in force at ``now``: not revoked and not expired (``expires_at
    <= now`` is expired; ``None`` lasts until revoked)."""
    if not isinstance(grant, Mapping):
        return _deny("grant_invalid", "the grant is not a record")
    status = grant.get("status")
    if status == "revoked" or grant.get("revoked_at"):
        return _deny("revoked", "the owner revoked this grant")
    if status != "active":
        return _deny("grant_invalid", "the grant has no known status")
    expires_at = grant.get("expires_at")
    if expires_at is not None:
        try:
            expiry = _instant(expires_at)
        except (TypeError, ValueError):
            return _deny("grant_invalid", "the grant's expiry cannot be read")
        if expiry <= _instant(now):
            return _deny("expired", f"the grant expired at {expiry.isoformat()}")
    return _allow("active", "the grant is in force")


def _scope_names(scopes: Iterable[str] | str) -> set[str]:
    return set(scopes.split()) if isinstance(scopes, str) else set(scopes)


def narrower(requested: Iterable[str], granted: Iterable[str]) -> bool:
    """Whether ``requested`` asks for nothing beyond ``granted`` (e.g. on refresh)."""
    return _scope_names(requested) <= _scope_names(granted)


# -- the decision -----------------------------------------------------------------------

Rule = Callable[[Mapping[str, Any], str, Mapping[str, Any], Mapping[str, Any] | None], Decision]


def decide(
    grant: Mapping[str, Any],
    *,
    scope: str,
    collection: str,
    record: Mapping[str, Any] | None,
    now: datetime,
) -> Decision:
    """Whether ``grant`` lets its vendor use ``scope`` on ``record`` of ``collection`` at
    ``now``; ``record=None`` asks whether the grant may use that endpoint at all."""
    status = grant_status(grant, now)
    if not status.allowed:
        return status
    granted = grant.get("scopes")
    if not isinstance(granted, list | tuple):
        return _deny("grant_invalid", "the grant's scopes cannot be read")
    if scope not in CATALOGUE:
        return _deny("scope_unknown", f"{scope} is not a scope of this store")
    if scope not in granted:
        return _deny("scope_missing", f"{scope} not granted")
    if collection not in SCOPE_COLLECTIONS.get(scope, ()):
        return _deny("scope_mismatch", f"{scope} does not cover {collection}")
    try:
        constraints = validate_constraints(grant.get("constraints"))
    except ConstraintsInvalid:
        return _deny("constraints_invalid", "the grant's constraints cannot be read")
    rule: Rule = _RULES.get(collection, _no_record_rule)
    return rule(grant, scope, constraints, record)


def _purchases(
    grant: Mapping[str, Any], scope: str, constraints: Mapping[str, Any], record: Any
) -> Decision:
    if scope == "purchases:write":  # whatever the read reach, a vendor writes only its own
        vendor_id = _vendor_of(grant)
        if vendor_id is None:
            return _deny("vendor_unknown", "the grant names no vendor to write receipts as")
        if record is not None and record.get("vendor_id") != vendor_id:
            return _deny("other_vendor", "a vendor may only add its own receipts")
        return _allow("allowed", "the vendor adds its own receipts")
    reach = _reach(grant, constraints)
    if reach.nothing:
        return _deny("vendor_unknown", "the grant is limited to a vendor it does not name")
    if record is None:
        return _allow("allowed", "the grant reaches some purchases")
    return reach.check(record)


def _preferences(
    grant: Mapping[str, Any], scope: str, constraints: Mapping[str, Any], record: Any
) -> Decision:
    if record is None:
        return _allow("allowed", "the grant reaches the preferences the owner shares")
    if record.get("visibility", "private") not in SHARED_VISIBILITIES:
        return _deny("private", "the owner keeps this preference private")
    return _allow("allowed", f"the owner made this preference {record['visibility']}")


def _relationships(
    grant: Mapping[str, Any], scope: str, constraints: Mapping[str, Any], record: Any
) -> Decision:
    vendor_id = _vendor_of(grant)
    if vendor_id is None:
        return _deny("vendor_unknown", "the grant names no relationship record")
    if record is not None and record.get("id") != vendor_id:
        return _deny("other_vendor", "a vendor sees only the owner's record of itself")
    return _allow("allowed", "the vendor's own relationship record")


def _no_record_rule(
    grant: Mapping[str, Any], scope: str, constraints: Mapping[str, Any], record: Any
) -> Decision:
    # profile claims are filtered by claims_for(); RFPs carry their own pseudonymity
    return _allow("allowed", f"{scope} granted")


_RULES: dict[str, Rule] = {
    "purchases": _purchases,
    "preferences": _preferences,
    "relationships": _relationships,
}
