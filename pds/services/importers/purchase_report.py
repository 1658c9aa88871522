"""What a purchases import did (or, with ``dry_run``, would do), and the options it took."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pds.errors import ValidationFailed, detail_lines
from pds.services.importers.vendor_match import Proposal

MATCHING = ("ask", "accept", "ignore")


@dataclass(frozen=True)
class PurchaseImportOptions:
    """How to read and what to do; every option is named in docs/import.md."""

    dry_run: bool = False
    default_currency: str | None = None
    create_vendors: bool = True
    skip_invalid: bool = False
    debits_as_purchases: bool = False
    date_format: str | None = None
    decimal: str | None = None
    #: a name close to a known vendor's: "ask" (an error naming it), "accept", "ignore"
    matching: str = "ask"
    #: file name -> known vendor name, decided by the owner (``--vendor A=B``)
    vendor_names: Mapping[str, str] = field(default_factory=dict)
    actor: str = "owner"

    def __post_init__(self) -> None:
        if self.matching not in MATCHING:
            raise ValidationFailed(
                "invalid vendor matching", {"matching": [f"One of {', '.join(MATCHING)}."]}
            )


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do); every decision is in it."""

    dry_run: bool
    source: str = "file"
    format: str = "csv"
    rows_read: int = 0
    purchases_created: int = 0
    vendors_created: list[str] = field(default_factory=list)
    errors: dict[str, Any] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # how each header cell was read
    encoding: str = "utf-8"
    delimiter: str = ","
    date_format: str | None = None
    decimal: str | None = None
    purchase_ids: list[str] = field(default_factory=list)
    #: the purchases created (or, with ``dry_run``, that would be), each with ``vendor``: its name
    planned: list[dict[str, Any]] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)  # label -> why
    skipped: dict[str, str] = field(default_factory=dict)  # label -> why (credits, invalid)
    matches: list[tuple[Proposal, str]] = field(default_factory=list)  # proposal, decision
    adjustments: dict[str, str] = field(default_factory=dict)  # label -> what was read how
    remarks: list[str] = field(default_factory=list)  # what a format tells of the whole file

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """Lines for people: what was (or would be) created, every decision, every error."""
        verb = "would create" if self.dry_run else "created"
        vendors = ", ".join(self.vendors_created) or "none"
        lines = [
            f"{self.source}: {self.rows_read} rows read; {verb} {self.purchases_created} "
            f"purchases and {len(self.vendors_created)} vendors ({vendors}); "
            f"{len(self.duplicates)} already imported, {len(self.skipped)} skipped"
        ]
        lines.extend(self.remarks)
        if self.columns:
            lines.append("columns: " + "; ".join(self.columns))
        if self.date_format or self.decimal:
            lines.append(f"dates read as {self.date_format or '-'}, decimal separator "
                         f"{self.decimal or '-'}")  # fmt: skip
        lines.extend(f"vendor {p.describe()}: {decision}" for p, decision in self.matches)
        lines.extend(f"{label}: {why}" for label, why in self.adjustments.items())
        lines.extend(f"{label}: already imported ({why})" for label, why in self.duplicates.items())
        lines.extend(f"{label}: skipped: {why}" for label, why in self.skipped.items())
        lines.extend(detail_lines(self.errors))
        if self.errors:
            lines.append(
                f"{len(self.errors)} row(s) have errors; "
                + ("an import would write nothing" if self.dry_run else "nothing was imported")
                + " (--skip-invalid imports the others)"
            )
        return "\n".join(lines)
