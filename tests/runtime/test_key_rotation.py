"""The data-key rotation: one at a time, however many ask at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pds.errors import Conflict
from pds.runtime import Runtime
from pds.runtime.current import runtime_of
from tests.conftest import csrf_of


@pytest.fixture
def runtime(app: Flask) -> Runtime:
    return runtime_of(app)


def key_generation(runtime: Runtime) -> int:
    return runtime.store.stats().key_generation


def rotations_logged(runtime: Runtime) -> int:
    entries = runtime.store.audit.page(limit=50)
    return sum(e.event["action"] == "store.key_rotated" for e in entries)


def test_two_starts_at_once_run_one_rotation(runtime: Runtime, home: Path) -> None:
    rotation = runtime.workers.key_rotation
    before = key_generation(runtime)
    ready = threading.Barrier(2)
    outcomes: list[str] = []

    def start() -> None:
        ready.wait()
        try:
            rotation.start()
            outcomes.append("started")
        except Conflict as refused:
            outcomes.append(refused.message)

    with runtime.store.reading():  # the first rotation cannot end before the second asks
        starters = [threading.Thread(target=start) for _ in range(2)]
        for thread in starters:
            thread.start()
        for thread in starters:
            thread.join(10)
    state = rotation.wait(30)
    assert sorted(outcomes) == [
        "a data-key rotation is already running: wait for it to end",
        "started",
    ]
    assert state is not None and state.status == "done"
    assert key_generation(runtime) == before + 1
    assert rotations_logged(runtime) == 1


def test_the_portal_refuses_a_second_rotation_while_one_runs(
    owner: FlaskClient, runtime: Runtime
) -> None:
    token = csrf_of(owner.get("/settings").get_data(as_text=True))
    before = key_generation(runtime)
    with runtime.store.reading():
        first = owner.post("/settings/data-key", data={"csrf_token": token})
        second = owner.post(
            "/settings/data-key", data={"csrf_token": token}, headers={"Accept": "application/json"}
        )
        assert runtime.workers.key_rotation.running
    assert first.status_code == 303
    assert second.status_code == 409 and second.get_json()["code"] == "already_running"
    runtime.workers.key_rotation.wait(30)
    assert key_generation(runtime) == before + 1 and rotations_logged(runtime) == 1
    again = owner.post("/settings/data-key", data={"csrf_token": token})
    assert again.status_code == 303  # once it has ended, another may run
    runtime.workers.key_rotation.wait(30)
    assert key_generation(runtime) == before + 2
