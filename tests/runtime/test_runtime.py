"""The runtime: built once over one store, for the app and for the command line; its
stop ends every background thread; only it opens the store."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from pds.app import create_app
from pds.auth import auth
from pds.config import Settings
from pds.errors import ExportFailed
from pds.runtime import Runtime, build_runtime
from pds.runtime.current import runtime as current
from pds.runtime.current import runtime_of
from pds.services.archive import ExportOptions
from pds.services.collections import INTERACTIONS, RELATIONSHIPS
from pds.web.context import services
from tests.conftest import PASSPHRASE, TEST_SETTINGS

PDS = Path(__file__).resolve().parents[2] / "pds"
#: Enough records for an export of many more chunks than its queue holds.
RECORDS = 12_000
STAMP = "2025-01-01T00:00:00Z"


def pds_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("pds-"))


@pytest.fixture
def app(made_store: Path) -> Iterator[Flask]:
    application = create_app({"home": made_store, "passphrase": PASSPHRASE, **TEST_SETTINGS})
    yield application
    runtime_of(application).close()


@pytest.fixture
def runtime(app: Flask) -> Runtime:
    return runtime_of(app)


def fill(runtime: Runtime, count: int = RECORDS) -> None:
    """``count`` interactions with one person, written in one bulk insert."""
    store = runtime.store
    with store.transaction():
        person = {"id": "0190a0a0-0000-7000-8000-000000000001", "kind": "person"}
        store.collection(RELATIONSHIPS).insert_many(
            [
                {
                    **person,
                    "name": "Ann",
                    "status": "active",
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
            ]
        )
        store.collection(INTERACTIONS).insert_many(
            {
                "id": f"0190a0a0-0000-7000-8000-{n:012x}",
                "kind": "call",
                "date": f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "counterpart_id": person["id"],
                "created_at": STAMP,
                "updated_at": STAMP,
            }
            for n in range(count)
        )


def test_the_app_keeps_one_runtime_and_its_views_reach_it(app: Flask, runtime: Runtime) -> None:
    with app.app_context():
        assert current() is runtime and services() is runtime.services
        assert auth().services is runtime.services
    assert runtime.services.issuer == runtime.settings.issuer_url


def test_stop_ends_every_background_thread(runtime: Runtime) -> None:
    fill(runtime)
    download = runtime.workers.exports.stream(ExportOptions())
    assert next(download)  # the export runs, and waits for the download to go on
    runtime.workers.key_rotation.start()
    runtime.store.audit.append({"actor": "test", "action": "read"}, sync=False)
    running = pds_threads()
    assert {"pds-courier", "pds-export", "pds-audit-sync"} <= set(running), running
    runtime.stop()
    assert pds_threads() == []
    assert runtime.workers.key_rotation.state.status == "done"  # type: ignore[union-attr]
    with pytest.raises(ExportFailed):  # the export was cancelled mid-way
        for _ in download:
            pass
    with pytest.raises(ExportFailed):  # and no new one starts
        runtime.workers.exports.stream(ExportOptions())
    actions = [e.event["action"] for e in runtime.store.audit.page(limit=3)]
    assert "archive.export" not in actions and "read" in actions


def test_a_download_closed_early_ends_its_export(runtime: Runtime) -> None:
    fill(runtime)
    download = runtime.workers.exports.stream(ExportOptions())
    assert next(download)
    assert runtime.workers.exports.running == 1
    download.close()  # as the server does when the browser goes away
    assert runtime.workers.exports.running == 0
    assert "pds-export" not in pds_threads()
    assert all(e.event["action"] != "archive.export" for e in runtime.store.audit.page(limit=5))


def test_a_stream_never_read_starts_nothing(runtime: Runtime) -> None:
    download = runtime.workers.exports.stream(ExportOptions())
    assert runtime.workers.exports.running == 0 and "pds-export" not in pds_threads()
    assert b"".join(download)[:2] == b"PK"  # read now, it is the whole archive
    assert runtime.store.audit.page(limit=1)[0].event["action"] == "archive.export"


def test_the_command_line_builds_the_same_runtime(made_store: Path) -> None:
    settings = Settings(home=made_store, webhook_attempts=3, rfp_vendors_need_approval=True)
    with build_runtime(settings, passphrase=PASSPHRASE) as runtime:
        assert runtime.services.webhooks.policy.attempts == 3
        assert runtime.services.rfp_vendors_need_approval
        assert pds_threads() == []  # nothing starts until asked
    assert not runtime.store.is_open


def _store_openers(path: Path) -> list[str]:
    """``Store.open``/``Store.create`` calls and imports of ``pds.store`` in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in {"open", "create"}:
            if isinstance(node.value, ast.Name) and node.value.id == "Store":
                found.append(f"Store.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pds.store"):
            found.append(f"from {node.module}")
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("pds.store")]
    return found


def test_only_the_runtime_opens_the_store() -> None:
    """The app, the command line and the HTTP layers neither open a store nor import
    ``pds.store``; outside the store itself, the runtime alone calls ``Store.open``."""
    surfaces = [PDS / "app.py", *(PDS / "cli").rglob("*.py")]
    for layer in ("web", "api", "auth", "demo"):
        surfaces += (PDS / layer).rglob("*.py")
    offenders: dict[str, Any] = {}
    for path in surfaces:
        if found := _store_openers(path):
            offenders[str(path.relative_to(PDS))] = found
    assert offenders == {}
    openers = {
        str(path.relative_to(PDS))
        for path in PDS.rglob("*.py")
        if "store" not in path.relative_to(PDS).parts[:1]
        and any(f.startswith("Store.") for f in _store_openers(path))
    }
    assert openers == {"runtime/runtime.py"}
