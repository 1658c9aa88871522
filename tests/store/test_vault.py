"""The vault: create, unlock, wrong passphrase, passphrase change, header damage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pds.errors import IntegrityError, StoreExists, StoreNotFound, WrongPassphrase
from pds.store import Store

from .storekit import (
    PASSPHRASE,
    SPECS,
    cheap_kdf,
    contents,
    create_store,
    data_files,
    open_store,
    purchase,
    snapshot,
)


def fill(store: Store, n: int = 20) -> None:
    purchases = store.collection("purchases")
    purchases.insert_many(purchase(date=f"2024-{i % 12 + 1:02d}-10", n=i) for i in range(n))
    store.collection("notes").insert({"text": "hello"})
    store.audit.append({"action": "test", "n": n})


def test_create_then_unlock(home: Path) -> None:
    store = create_store(home)
    fill(store)
    before = contents(store)
    store.close()

    header = json.loads((home / "store.json").read_text())
    assert header["format"] == "pds-store"
    assert header["kdf"]["name"] == "scrypt" and header["kdf"]["n"] == 2**10
    assert set(header["keys"]["data"]) == {"1"} and header["current_key"] == 1

    reopened = open_store(home)
    try:
        assert contents(reopened) == before
        assert reopened.stats().counts == {"notes": 1, "purchases": 20}
    finally:
        reopened.close()


def test_a_new_store_directory_is_the_owners_alone(home: Path) -> None:
    create_store(home).close()
    assert home.stat().st_mode & 0o777 == 0o700


def test_create_refuses_existing_store(store: Store, home: Path) -> None:
    with pytest.raises(StoreExists):
        Store.create(home, PASSPHRASE, specs=SPECS, kdf=cheap_kdf())


def test_open_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound):
        open_store(tmp_path / "nowhere")


def test_wrong_passphrase_touches_nothing(home: Path) -> None:
    store = create_store(home)
    fill(store)
    store.close()
    before = snapshot(home)
    names_before = sorted(p.relative_to(home).as_posix() for p in home.rglob("*"))

    with pytest.raises(WrongPassphrase) as caught:
        open_store(home, "not the passphrase")

    assert str(caught.value) == "wrong passphrase"
    assert caught.value.code == "wrong_passphrase" and caught.value.exit_code != 0
    assert snapshot(home) == before  # contents and mtimes of every file
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == names_before


def test_wrong_passphrase_while_held_elsewhere(store: Store, home: Path) -> None:
    """The passphrase is checked before the lock: a wrong one never even writes the lock file."""
    before = snapshot(home)
    with pytest.raises(WrongPassphrase):
        open_store(home, "nope")
    assert snapshot(home) == before


def test_change_passphrase_rewraps_only(home: Path) -> None:
    store = create_store(home)
    fill(store)
    expected = contents(store)
    others_before = snapshot(home, skip=("store.json", "store.lock"))
    header_before = json.loads((home / "store.json").read_text())

    store.change_passphrase("a brand new passphrase", cheap_kdf())
    store.close()

    assert snapshot(home, skip=("store.json", "store.lock")) == others_before
    header_after = json.loads((home / "store.json").read_text())
    assert header_after["kdf"]["salt"] != header_before["kdf"]["salt"]
    assert header_after["keys"]["data"]["1"] != header_before["keys"]["data"]["1"]
    assert header_after["store_id"] == header_before["store_id"]

    with pytest.raises(WrongPassphrase):
        open_store(home)
    reopened = open_store(home, "a brand new passphrase")
    try:
        assert contents(reopened) == expected
        assert reopened.audit.verify() == 1
    finally:
        reopened.close()


def test_change_passphrase_keeps_kdf_cost_by_default(store: Store, home: Path) -> None:
    store.change_passphrase("another one")
    header = json.loads((home / "store.json").read_text())
    assert (header["kdf"]["n"], header["kdf"]["r"], header["kdf"]["p"]) == (2**10, 8, 1)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda h: h.__setitem__("created_at", "1999-01-01T00:00:00+00:00"), id="field"
        ),
        pytest.param(lambda h: h["kdf"].__setitem__("n", 2**11), id="kdf"),
        pytest.param(lambda h: h.__setitem__("checksum", "0" * 64), id="checksum"),
    ],
)
def test_header_damage_is_an_integrity_error(home: Path, damage) -> None:
    create_store(home).close()
    path = home / "store.json"
    header = json.loads(path.read_text())
    damage(header)
    path.write_text(json.dumps(header))
    before = snapshot(home)

    with pytest.raises(IntegrityError) as caught:
        open_store(home)

    assert "store.json" in str(caught.value)
    assert caught.value.details["file"] == "store.json"
    assert snapshot(home) == before


def test_header_byte_flip_is_an_integrity_error(home: Path) -> None:
    create_store(home).close()
    path = home / "store.json"
    raw = bytearray(path.read_bytes())
    position = raw.index(b'"salt"') + 12  # inside the hex salt
    raw[position] = ord("0") if raw[position] != ord("0") else ord("1")
    path.write_bytes(bytes(raw))

    with pytest.raises(IntegrityError) as caught:
        open_store(home)
    assert caught.value.details["file"] == "store.json"


def test_header_is_not_json(home: Path) -> None:
    create_store(home).close()
    (home / "store.json").write_bytes(b"\x00garbage")
    with pytest.raises(IntegrityError, match=r"store\.json"):
        open_store(home)


def test_each_store_has_its_own_keys(tmp_path: Path) -> None:
    a, b = create_store(tmp_path / "a"), create_store(tmp_path / "b")
    try:
        ha = json.loads((tmp_path / "a" / "store.json").read_text())
        hb = json.loads((tmp_path / "b" / "store.json").read_text())
        assert ha["store_id"] != hb["store_id"]
        assert ha["kdf"]["salt"] != hb["kdf"]["salt"]
        a.collection("notes").insert({"id": "same", "text": "x"})
        b.collection("notes").insert({"id": "same", "text": "x"})
        # same logical file, different names (names key) and different bytes (data key)
        assert data_files(tmp_path / "a")[0].name != data_files(tmp_path / "b")[0].name
    finally:
        a.close()
        b.close()
