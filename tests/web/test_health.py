from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pds.runtime.current import runtime_of


def test_healthz_is_liveness_only(client: FlaskClient, app: Flask) -> None:
    runtime_of(app).store.close()  # even a closed store: the process answers
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json is not None and response.json["status"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_reports_an_open_store_and_running_workers(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["status"] == "ready" and response.json["store"] == "open"
    assert response.json["problems"] == [] and "backup" not in response.json


def test_readyz_says_what_is_wrong_with_503(client: FlaskClient, app: Flask) -> None:
    runtime = runtime_of(app)
    runtime.stop()  # the courier ends
    runtime.store.close()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json is not None
    assert response.json["problems"] == [
        "the store is not open",
        "the webhook courier is not running",
    ]


class TestWithBackups:
    @pytest.fixture
    def app_overrides(self, tmp_path: Path) -> dict[str, Any]:
        return {"backup_dir": tmp_path / "backups", "backup_every": "1h"}

    def test_readyz_reports_the_last_backup(self, client: FlaskClient, app: Flask) -> None:
        backups = runtime_of(app).workers.backups
        assert backups is not None
        deadline = time.monotonic() + 10
        while backups.status().last_at is None and time.monotonic() < deadline:
            time.sleep(0.02)  # the first snapshot is taken at start
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json is not None
        backup = response.json["backup"]
        assert backup["every_seconds"] == 3600 and backup["last_error"] is None
        assert 0 <= backup["age_seconds"] < 60

    def test_a_stopped_backup_worker_is_not_ready(self, client: FlaskClient, app: Flask) -> None:
        backups = runtime_of(app).workers.backups
        assert backups is not None
        backups.stop(10)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json is not None
        assert "the backup worker is not running" in response.json["problems"]


def test_unknown_path_is_problem_json(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json is not None and response.json["status"] == 404
