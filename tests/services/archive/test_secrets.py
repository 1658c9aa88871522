"""Secrets stay in the store unless asked for, and then only inside an encrypted archive."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from pds.errors import ValidationFailed
from pds.services import Services
from pds.services.archive import ArchiveReader, ExportOptions, export_archive
from pds.services.archive.policy import POLICIES, policy_of
from pds.services.collections import SPECS

from .archivekit import ARCHIVE_PASSPHRASE, CLIENT_SECRET_HASH, WEBHOOK_SECRET, members

SECRET_COLLECTIONS = {"credentials", "tokens", "codes", "signing_keys", "provider"}


def _secret_values(services: Services) -> list[bytes]:
    store = services.store
    password = store.collection("credentials").get("owner-password")["hash"]
    key = next(store.collection("signing_keys").scan_ordered())["jwk"]["d"]
    return [
        password.encode(),
        key.encode(),
        CLIENT_SECRET_HASH.encode(),
        WEBHOOK_SECRET.encode(),
        b"5a17" * 16,
    ]


def test_secrets_are_left_out_by_default(source: Services, archive: Path) -> None:
    contents = members(archive)
    everything = b"".join(contents.values())
    for value in _secret_values(source):
        assert value not in everything
    manifest = orjson.loads(contents["manifest.json"])
    assert set(manifest["left_out"]) == SECRET_COLLECTIONS
    assert manifest["secrets_included"] is False
    assert not any(name.startswith(f"data/{c}.") for c in SECRET_COLLECTIONS for name in contents)
    assert manifest["collections"]["clients"]["left_out_fields"] == ["secret_hash"]
    assert manifest["collections"]["subscriptions"]["left_out_fields"] == ["secret"]
    client = orjson.loads(contents["data/clients.json"].split(b"\n")[1])
    assert client == {"client_name": "Shop", "id": "shop-client", "status": "active"}


def test_include_secrets_without_encryption_is_refused(source: Services) -> None:
    out = io.BytesIO()
    with pytest.raises(ValidationFailed) as refused:
        export_archive(source.store, out, ExportOptions(include_secrets=True))
    assert refused.value.message == (
        "secrets are exported only into an encrypted archive: add --encrypt"
    )
    assert out.getvalue() == b""


def test_secrets_travel_encrypted_when_asked_for(source: Services, tmp_path: Path) -> None:
    path = tmp_path / "all.zip.enc"
    with path.open("wb") as out:
        options = ExportOptions(ARCHIVE_PASSPHRASE, include_secrets=True, scrypt_n=2**10)
        export_archive(source.store, out, options)
    raw = path.read_bytes()
    for value in _secret_values(source):
        assert value not in raw
    with ArchiveReader(path, ARCHIVE_PASSPHRASE) as reader:
        assert reader.manifest.secrets_included and reader.manifest.left_out == {}
        assert set(reader.manifest.collections) >= SECRET_COLLECTIONS
        data = b"".join(reader.lines("data/credentials.json"))
    assert _secret_values(source)[0] in data


def test_every_collection_has_an_archive_policy() -> None:
    """A collection added later must say what of it is secret (see archive/policy.py)."""
    assert [spec.name for spec in SPECS if spec.name not in POLICIES] == []
    assert policy_of("not_declared_anywhere").secret
