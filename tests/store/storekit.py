"""Helpers of the store suite: the collections, a cheap KDF, open/create, snapshots, children.

Child processes (crash and lock tests) run ``store_child.py`` as a script; the
collection specs travel to them as JSON (``child_args``) so this module stays the
one place they are declared.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pds.store import CollectionSpec, ScryptParams, Store

PASSPHRASE = "correct horse battery staple"
REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("store_child.py")

SPECS: tuple[CollectionSpec, ...] = (
    CollectionSpec("purchases", order_by="date", shard_by="date", indexes=("vendor_id", "tags")),
    CollectionSpec("notes"),
)


def cheap_kdf() -> ScryptParams:
    """scrypt with n = 2**10: milliseconds instead of the production ~0.3 s."""
    return ScryptParams.fresh(n=2**10)


def open_store(home: Path, passphrase: str = PASSPHRASE, **options: Any) -> Store:
    return Store.open(home, passphrase, specs=SPECS, **options)


def create_store(home: Path, passphrase: str = PASSPHRASE, **options: Any) -> Store:
    return Store.create(home, passphrase, specs=SPECS, kdf=cheap_kdf(), **options)


def purchase(date: str = "2024-03-15", vendor: str = "v1", **fields: Any) -> dict[str, Any]:
    return {"date": date, "vendor_id": vendor, "tags": ["groceries"], "total": "12.50", **fields}


def contents(store: Store) -> dict[str, dict[str, dict[str, Any]]]:
    """Every record of every collection, by collection and id."""
    return {
        name: {r["id"]: r for r in collection.scan()}
        for name, collection in sorted(store.collections.items())
    }


def snapshot(home: Path, *, skip: tuple[str, ...] = ()) -> dict[str, tuple[str, int]]:
    """Relative path -> (SHA-256, mtime_ns) of every file under ``home``."""
    result = {}
    for path in sorted(home.rglob("*")):
        rel = path.relative_to(home).as_posix()
        if path.is_file() and rel not in skip:
            result[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return result


def data_files(home: Path) -> list[Path]:
    return sorted((home / "data").glob("*.pds"))


def child_args(home: Path, mode: str, **extra: Any) -> list[str]:
    config = {
        "home": str(home),
        "passphrase": PASSPHRASE,
        "specs": [
            {
                "name": s.name,
                "order_by": s.order_by,
                "shard_by": s.shard_by,
                "indexes": list(s.indexes),
            }
            for s in SPECS
        ],
        **extra,
    }
    return [sys.executable, str(CHILD), mode, json.dumps(config)]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_child(home: Path, mode: str, **extra: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        child_args(home, mode, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=child_env(),
    )
