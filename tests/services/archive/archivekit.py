"""Helpers of the archive tests: stores with sample data, exports, tampered copies, digests."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import orjson

from pds.services import SPECS, Services
from pds.services.archive import ExportOptions, Manifest, export_archive
from pds.services.identity.credentials import OwnerCredentials
from pds.store import ScryptParams, Store
from tests.conftest import CHEAP_HASHER

PASSPHRASE = "archive test store passphrase"
ARCHIVE_PASSPHRASE = "archive passphrase 1"
OWNER_PASSWORD = "owner password 1"
CHEAP_N = 2**10
CLIENT_SECRET_HASH = "c0ffee" * 10 + "beef"
WEBHOOK_SECRET = "whsec_c2VjcmV0IHNpZ25pbmcga2V5IGZvciB0ZXN0cw=="


def new_store(home: Path) -> Store:
    """A store as ``pds init`` leaves it: the owner's password and a signing key."""
    store = Store.create(home, PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh(n=CHEAP_N))
    OwnerCredentials(store, hasher=CHEAP_HASHER).set_password(OWNER_PASSWORD)
    Services(store).signing_keys.ensure()
    store.audit.append({"actor": "owner", "action": "store.created"})
    return store


def fill(services: Services, purchases: int = 12) -> None:
    """A little of everything: people and vendors, purchases (one with a formula-like
    note), preferences, the profile, and records with secret fields."""
    rel = services.relationships
    vendor = rel.add({"kind": "vendor", "name": "Fresh Fields", "domain": "fresh.example.com"})
    rel.add({"kind": "person", "name": "Jonas Becker", "emails": ["jonas@example.org"]})
    for i in range(purchases):
        services.purchases.add(
            {
                "vendor_id": vendor["id"],
                "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "currency": "EUR",
                "total": f"{10 + i}.50",
                "category": "groceries",
                "tags": ["food", "weekly"],
                **({"notes": '=HYPERLINK("x")'} if i == 0 else {}),
            }
        )
    services.preferences.set("clothing.size", "M")
    services.preferences.set("diet.avoid", ["nuts", "shellfish"])
    services.profile.update({"name": "Ada Owner", "address": {"locality": "Berlin"}})
    store = services.store
    store.collection("clients").insert(
        {
            "id": "shop-client",
            "client_name": "Shop",
            "status": "active",
            "secret_hash": CLIENT_SECRET_HASH,
        }
    )
    store.collection("subscriptions").insert(
        {"id": "sub-1", "client_id": "shop-client", "secret": WEBHOOK_SECRET}
    )
    store.collection("provider").insert({"id": "pairwise-salt", "salt": "5a17" * 16})


def export_to(store: Store, path: Path, **options: Any) -> Manifest:
    if options.get("passphrase"):
        options.setdefault("scrypt_n", CHEAP_N)
    with path.open("wb") as out:
        return export_archive(store, out, ExportOptions(**options))


def digest(home: Path) -> str:
    """The store directory's names and bytes (not the lock file), as one hash."""
    files = sorted(p for p in home.rglob("*") if p.is_file() and p.name != "store.lock")
    hashed = hashlib.sha256()
    for path in files:
        hashed.update(path.relative_to(home).as_posix().encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(
    source: Path, target: Path, changes: dict[str, bytes | None], *, fix_manifest: bool = True
) -> Path:
    """A copy of the archive with members changed (``None`` removes one); with
    ``fix_manifest`` the manifest's checksums are made to match the changes."""
    contents = members(source)
    manifest = orjson.loads(contents["manifest.json"])
    for name, data in changes.items():
        if data is None:
            contents.pop(name, None)
            continue
        contents[name] = data
        if fix_manifest and name != "manifest.json" and name in manifest["files"]:
            manifest["files"][name] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
    if fix_manifest and "manifest.json" not in changes:
        contents["manifest.json"] = orjson.dumps(manifest)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return target


def data_lines(data: bytes) -> list[bytes]:
    """The record lines of a data file (without the brackets)."""
    return data.split(b"\n")[1:-2]
