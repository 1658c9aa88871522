"""Which vendor a row means: by id, by name or domain, by the owner's word, or a new one.

In order: a ``vendor_id`` the store knows; the vendor named (any case) or with the domain
given; the known vendor the owner named for it (``vendor_names``); a known vendor with a
name close to it (a proposal: used with ``matching="accept"``, an error naming it with
``"ask"``, passed over with ``"ignore"``); else a new vendor (unless ``create_vendors``
is off). Every proposal and decision is in the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pds.errors import ValidationFailed
from pds.schemas.contact import normalise_domain
from pds.services.container import Services
from pds.services.importers.purchase_report import ImportReport, PurchaseImportOptions
from pds.services.importers.vendor_match import VendorMatcher
from pds.services.relationships.relationships import VENDOR

Messages = dict[str, list[str]]


class VendorResolver:
    def __init__(
        self, services: Services, report: ImportReport, options: PurchaseImportOptions
    ) -> None:
        self.services = services
        self.report = report
        self.options = options
        self.new_vendors: list[dict[str, Any]] = []
        self._ids: dict[str, str | None] = {}  # the text of a row -> vendor id
        self._names: dict[str, str] = {}  # vendor id -> the name to show
        self._matcher: VendorMatcher | None = None
        self._owner_says = {k.strip().casefold(): v for k, v in options.vendor_names.items()}

    def name_of(self, vendor_id: str) -> str:
        return self._names.get(vendor_id, "")

    def is_new(self, vendor_id: str) -> bool:
        return any(v["id"] == vendor_id for v in self.new_vendors)

    def vendor_id(self, fields: Mapping[str, str], errors: Messages) -> str | None:
        """The vendor of an order's ``vendor_id`` / ``vendor`` cells; errors if none."""
        given_id = fields.get("vendor_id", "").strip()
        if given_id:
            known = self.services.relationships.find(given_id)
            if known is not None and known["kind"] == VENDOR:
                self._names.setdefault(given_id, str(known["name"]))
                return given_id
            if not fields.get("vendor", "").strip():
                errors["vendor_id"] = [
                    f"No vendor with id {given_id} in this store; import its vendors first"
                    " or give a vendor_name column."
                ]
                return None
        text = fields.get("vendor", "").strip()
        key = text.casefold()
        if key not in self._ids:
            found = self._resolve(text, errors)
            if errors.get("vendor"):
                return None
            self._ids[key] = found
        vendor_id = self._ids[key]
        if vendor_id:
            self._names.setdefault(vendor_id, text)
        return vendor_id

    def _resolve(self, text: str, errors: Messages) -> str | None:
        if not text:
            errors["vendor"] = ["Missing data for required field."]
            return None
        relationships = self.services.relationships
        domain = _as_domain(text)
        found = relationships.find_vendor(domain=domain, name=text)
        if found is None and text.casefold() in self._owner_says:
            wanted = self._owner_says[text.casefold()]
            found = relationships.find_vendor(name=wanted, domain=_as_domain(wanted))
            if found is None:
                errors["vendor"] = [f"No known vendor named {wanted!r} (given for {text!r})."]
                return None
        if found is not None:
            self._names.setdefault(str(found["id"]), str(found["name"]))
            return str(found["id"])
        matched = self._proposal(text, errors)
        if matched or errors.get("vendor"):
            return matched
        return self._create(text, domain, errors)

    def _proposal(self, text: str, errors: Messages) -> str | None:
        if self.options.matching == "ignore":
            return None
        if self._matcher is None:
            self._matcher = VendorMatcher(self.services.relationships.of_kind(VENDOR))
        proposal = self._matcher.propose(text)
        if proposal is None:
            return None
        decision = "accepted" if self.options.matching == "accept" else "to decide"
        if all(p.name != text for p, _ in self.report.matches):
            self.report.matches.append((proposal, decision))
        if self.options.matching == "accept":
            self._names.setdefault(proposal.vendor_id, proposal.vendor_name)
            return proposal.vendor_id
        errors["vendor"] = [
            f"Not a known vendor, but close to {proposal.vendor_name!r} ({proposal.score}%):"
            f" book it under the known vendor (--accept-matches, or --vendor"
            f" '{text}={proposal.vendor_name}' for this name) or make it a new vendor"
            " (--ignore-matches)."
        ]
        return None

    def _create(self, text: str, domain: str | None, errors: Messages) -> str | None:
        if not self.options.create_vendors:
            errors["vendor"] = [f"No vendor named {text!r}; add it first."]
            return None
        data = {"kind": "vendor", "name": text, "how_known": "Created by a purchases import"}
        if domain:
            data["domain"] = domain
        try:
            record = self.services.relationships.new_record(data)
        except ValidationFailed as exc:
            errors["vendor"] = exc.messages()
            return None
        self.new_vendors.append(record)
        self.report.vendors_created.append(text)
        return str(record["id"])


def _as_domain(text: str) -> str | None:
    if " " in text or "." not in text:
        return None
    try:
        return normalise_domain(text)
    except ValueError:
        return None
