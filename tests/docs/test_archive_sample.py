"""The standard-library reading sample in docs/archive.md runs on a real archive."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pds.services import Services
from pds.services.archive import ExportOptions, export_archive
from pds.store import Store

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _sample() -> str:
    text = (DOCS / "archive.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- archive-read-sample -->\n```python\n(.*?)```\n<!-- /archive-read-sample -->",
        text,
        re.S,
    )
    assert block, "docs/archive.md lost its reading sample"
    return block.group(1)


def test_the_reading_sample_runs(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vendor = services.relationships.add({"kind": "vendor", "name": "Fresh Fields"})
    for day in (3, 1, 2):
        services.purchases.add(
            {"vendor_id": vendor["id"], "date": f"2025-01-0{day}", "currency": "EUR",
             "total": "1.00", "tags": ["a", "b"]}
        )  # fmt: skip
    store: Store = services.store
    with (tmp_path / "pds-archive.zip").open("wb") as out:
        export_archive(store, out, ExportOptions())
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "archive_sample"}
    exec(compile(_sample(), "docs/archive.md", "exec"), namespace)
    assert len(namespace["purchases"]) == 3  # type: ignore[arg-type]
    assert [p["date"] for p in namespace["purchases"]] == ["2025-01-01", "2025-01-02", "2025-01-03"]  # type: ignore[attr-defined]
    assert namespace["rows"][0]["tags"] == "a; b"  # type: ignore[index]
