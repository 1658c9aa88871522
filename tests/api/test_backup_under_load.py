"""A backup taken while vendors push receipts through the API and the owner edits in the
portal holds every write acknowledged before it began (issue 18's acceptance)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from pds.runtime.backups import take_backup, verify_backup
from pds.runtime.current import runtime_of
from pds.services.collections import SPECS
from pds.store import Store
from tests.conftest import PASSPHRASE, csrf_of

from .conftest import Api

RECEIPT = {
    "date": "2026-02-01",
    "items": [{"description": "Rain jacket", "quantity": "1", "unit_price": "89.00"}],
    "currency": "EUR",
}


def test_a_backup_under_api_pushes_and_portal_edits_holds_every_acknowledged_write(
    app: Flask, api: Api, owner: FlaskClient, tmp_path: Path
) -> None:
    pushed: list[str] = []
    edited: list[str] = []
    failures: list[Any] = []
    stop = threading.Event()

    def push() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            response = api.call("POST", "/purchases", json={**RECEIPT, "order_ref": f"R-{n}"})
            if response.status_code != 201:
                failures.append(response.get_json())
                return
            pushed.append(response.get_json()["id"])

    def edit() -> None:
        token = csrf_of(owner.get("/preferences").get_data(as_text=True))
        n = 0
        while not stop.is_set():
            n += 1
            key = f"load.k{n}"
            form = {"csrf_token": token, "key": key, "type": "text", "value": "v"}
            response = owner.post("/preferences", data={**form, "visibility": "private"})
            if response.status_code != 303:
                failures.append(response.status_code)
                return
            edited.append(key)

    workers = [threading.Thread(target=push), threading.Thread(target=edit)]
    for worker in workers:
        worker.start()
    store = runtime_of(app).store
    try:
        while (len(pushed) < 20 or len(edited) < 20) and not failures:
            stop.wait(0.01)
        before_pushed, before_edited = set(pushed), set(edited)
        info, _ = take_backup(store, tmp_path / "backups")
        while len(pushed) < len(before_pushed) + 10 and not failures:
            stop.wait(0.01)  # the writers go on meanwhile and after
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert not failures
    verify_backup(info.path, PASSPHRASE)
    with Store.open(info.path, PASSPHRASE, specs=SPECS) as copy:
        held_purchases = {r["id"] for r in copy.collection("purchases").scan()}
        held_keys = {r["key"] for r in copy.collection("preferences").scan()}
    assert before_pushed <= held_purchases
    assert before_edited <= held_keys
    assert held_purchases <= set(pushed) | {
        p["id"] for p in api.records["own"] + api.records["others"]
    }
