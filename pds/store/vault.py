"""The vault: passphrase -> scrypt -> key-encryption key -> wrapped data keys.

The data key (256-bit, random) encrypts every file. It is stored only wrapped
(AES-256-GCM) under the key-encryption key derived from the owner's passphrase.
Changing the passphrase re-wraps the keys and touches nothing else. During a key
rotation the header carries both the old and the new data key (each file names
the generation it was written under), so the store opens at every instant.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from pds.errors import IntegrityError, StoreExists, WrongPassphrase
from pds.store import crypto
from pds.store.crypto import AESGCM, ScryptParams
from pds.store.header import HEADER_NAME, Header, read_header, write_header


def _wrap_aad(store_id: str, label: str) -> bytes:
    return f"pds-store/v1/{store_id}/{label}".encode()


class Vault:
    """Unlocked key material of one store. Never printed, never written in the clear."""

    def __init__(
        self,
        home: Path,
        header: Header,
        kek: AESGCM,
        data_keys: dict[int, bytes],
        names_key: bytes,
    ) -> None:
        self.home = home
        self._kek = kek
        self.header = header
        self._ciphers = {gen: AESGCM(key) for gen, key in data_keys.items()}
        self._names_key = names_key
        self._data_keys = dict(data_keys)

    def __repr__(self) -> str:
        return f"Vault(store_id={self.header.store_id!r}, key={self.current_key})"

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    def create(cls, home: Path, passphrase: str, kdf: ScryptParams | None = None) -> Vault:
        if (home / HEADER_NAME).exists():
            raise StoreExists(f"a store already exists at {home}", {"home": str(home)})
        if home.exists() and (not home.is_dir() or any(home.iterdir())):
            raise StoreExists(
                f"{home} exists and is not an empty directory; choose another --home",
                {"home": str(home)},
            )
        home.mkdir(parents=True, exist_ok=True)
        home.chmod(0o700)  # the owner's alone: its names, sizes and control socket too
        kdf = kdf or ScryptParams.fresh()
        store_id = secrets.token_hex(16)
        kek = AESGCM(crypto.derive_kek(passphrase, kdf))
        names_key, data_key = crypto.new_key(), crypto.new_key()
        header = Header(
            store_id=store_id,
            created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            kdf=kdf,
            wrapped_names_key=crypto.seal(kek, names_key, _wrap_aad(store_id, "names")),
            wrapped_data_keys={1: crypto.seal(kek, data_key, _wrap_aad(store_id, "data/1"))},
            current_key=1,
        )
        write_header(home, header)
        return cls(home, header, kek, {1: data_key}, names_key)

    @classmethod
    def unlock(cls, home: Path, passphrase: str) -> Vault:
        """Open the header and unwrap the keys; touches nothing on disk."""
        header = read_header(home)
        kek = AESGCM(crypto.derive_kek(passphrase, header.kdf))
        sid = header.store_id
        try:
            names_key = crypto.unseal(kek, header.wrapped_names_key, _wrap_aad(sid, "names"))
        except crypto.InvalidTag:
            raise WrongPassphrase("wrong passphrase") from None
        data_keys: dict[int, bytes] = {}
        for gen, wrapped in header.wrapped_data_keys.items():
            try:
                data_keys[gen] = crypto.unseal(kek, wrapped, _wrap_aad(sid, f"data/{gen}"))
            except crypto.InvalidTag:
                raise IntegrityError(
                    f"{HEADER_NAME}: wrapped data key {gen} is damaged", {"file": HEADER_NAME}
                ) from None
        if header.current_key not in data_keys:
            raise IntegrityError(f"{HEADER_NAME}: current key is missing", {"file": HEADER_NAME})
        return cls(home, header, kek, data_keys, names_key)

    def moved_to(self, home: Path) -> Vault:
        """The same keys for a store built at ``home`` to replace this one's files (its
        header stays where it is: nothing is written)."""
        return Vault(home, self.header, self._kek, self._data_keys, self._names_key)

    # -- keys ----------------------------------------------------------------------

    @property
    def current_key(self) -> int:
        return self.header.current_key

    @property
    def store_id(self) -> str:
        return self.header.store_id

    def cipher(self, generation: int) -> AESGCM:
        try:
            return self._ciphers[generation]
        except KeyError:
            raise crypto.InvalidTag() from None

    def file_id(self, logical_name: str) -> str:
        return crypto.file_id(self._names_key, logical_name)

    def _rewrapped(self, kek: AESGCM, kdf: ScryptParams, data_keys: dict[int, bytes]) -> Header:
        sid = self.store_id
        return self.header.with_changes(
            kdf=kdf,
            wrapped_names_key=crypto.seal(kek, self._names_key, _wrap_aad(sid, "names")),
            wrapped_data_keys={
                gen: crypto.seal(kek, key, _wrap_aad(sid, f"data/{gen}"))
                for gen, key in data_keys.items()
            },
        )

    def change_passphrase(self, new_passphrase: str, kdf: ScryptParams | None = None) -> None:
        """Re-wrap the keys under a new passphrase (one atomic header write)."""
        params = kdf or ScryptParams.fresh(self.header.kdf.n, self.header.kdf.r, self.header.kdf.p)
        kek = AESGCM(crypto.derive_kek(new_passphrase, params))
        self.header = self._rewrapped(kek, params, self._data_keys)
        write_header(self.home, self.header)
        self._kek = kek

    def begin_rotation(self) -> int:
        """Add a new data key generation and make it current; old keys stay readable."""
        gen = max(self._data_keys) + 1
        self._data_keys[gen] = crypto.new_key()
        self._ciphers[gen] = AESGCM(self._data_keys[gen])
        self.header = self._rewrapped(self._kek, self.header.kdf, self._data_keys).with_changes(
            current_key=gen
        )
        write_header(self.home, self.header)
        return gen

    def finish_rotation(self) -> None:
        """Forget every data key but the current one."""
        current = self.current_key
        self._data_keys = {current: self._data_keys[current]}
        self._ciphers = {current: self._ciphers[current]}
        self.header = self._rewrapped(self._kek, self.header.kdf, self._data_keys)
        write_header(self.home, self.header)
