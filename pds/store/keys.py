"""The store's keys: a new passphrase re-wraps the data key; a key rotation
re-encrypts every file under a fresh data key, resumably (see ``vault``)."""

from __future__ import annotations

from collections.abc import Callable

from pds.store import sealed
from pds.store.crypto import ScryptParams
from pds.store.fs import atomic_write
from pds.store.state import AUDIT_DIR, StoreState


class Keys(StoreState):
    def change_passphrase(self, new_passphrase: str, kdf: ScryptParams | None = None) -> None:
        with self._lock:
            self._check_open()
            self.vault.change_passphrase(new_passphrase, kdf)

    def rotate_key(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Re-encrypt every file under a fresh data key; resumable after a crash.

        The header first records the new key beside the old one; then each file is
        atomically rewritten under the new key; then the old key is forgotten. At
        every instant each file opens under one of the keys the header holds.
        """
        with self._lock:
            self._check_open()
            if not self.vault.header.rotation_pending:
                self.vault.begin_rotation()
            current = self.vault.current_key
            paths = sorted(self.data_dir.glob("*.pds")) + sorted(
                (self.home / AUDIT_DIR).glob("*.pds")
            )
            for done, path in enumerate(paths, start=1):
                if path.name == "log.pds":
                    self.audit.reencrypt()
                else:
                    unsealed = sealed.read(self.vault, path)
                    if unsealed.key_generation != current:
                        fid = path.name.removesuffix(".pds")
                        data = sealed.encode(self.vault, fid, unsealed.meta, unsealed.body or b"")
                        atomic_write(path, data)
                if progress:
                    progress(done, len(paths))
            self.vault.finish_rotation()
            return current
