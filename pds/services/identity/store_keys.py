"""The store's own keys, from the portal: change the passphrase, rotate the data key.

The passphrase change asks for the current passphrase (checked by unlocking the header
afresh, as a login would), so an unattended session cannot lock the owner out. Key
rotation re-encrypts every file; ``KeyRotation`` runs it on a thread and reports its
progress, one rotation at a time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pds.errors import PdsError, ValidationFailed, WrongPassphrase
from pds.store import Store
from pds.store.vault import Vault

MIN_PASSPHRASE = 8  # as ``pds passwd`` asks


def change_passphrase(store: Store, current: str, new: str, again: str) -> None:
    """Re-wrap the store's keys under ``new``; ``ValidationFailed`` names the wrong field."""
    errors: dict[str, list[str]] = {}
    if len(new) < MIN_PASSPHRASE:
        errors["new_passphrase"] = [f"Must be at least {MIN_PASSPHRASE} characters."]
    elif new != again:
        errors["new_passphrase_again"] = ["The two new passphrases differ."]
    try:
        Vault.unlock(store.home, current)
    except WrongPassphrase:
        errors["current_passphrase"] = ["That is not the store's passphrase."]
    if errors:
        raise ValidationFailed("the passphrase was not changed", errors)
    store.change_passphrase(new)
    store.audit.append({"actor": "owner", "action": "store.passphrase_changed"})


@dataclass(frozen=True)
class RotationState:
    """Where a key rotation is: ``running``, ``done`` or ``failed`` (and why)."""

    status: str
    done: int = 0
    total: int = 0
    generation: int | None = None
    error: str = ""

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return 100 * self.done // self.total if self.total else 0


class KeyRotation:
    """One data-key rotation of ``store`` on a background thread, and its progress."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._state: RotationState | None = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> RotationState | None:
        """The running or last rotation's state; ``None`` before the first."""
        with self._lock:
            return self._state

    def start(self) -> RotationState:
        """Start a rotation unless one is running; the state of the one that runs."""
        with self._lock:
            if self._state is not None and self._state.status == "running":
                return self._state
            self._state = RotationState("running")
            self._thread = threading.Thread(target=self._run, name="pds-key-rotation", daemon=True)
            self._thread.start()
            return self._state

    def wait(self, timeout: float | None = None) -> RotationState | None:
        """Wait for the running rotation to end (for tests and shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.state

    def _progress(self, done: int, total: int) -> None:
        with self._lock:
            self._state = RotationState("running", done, total)

    def _run(self) -> None:
        try:
            generation = self._store.rotate_key(self._progress)
            self._store.audit.append(
                {"actor": "owner", "action": "store.key_rotated", "key": generation}
            )
        except PdsError as exc:
            self._finish(RotationState("failed", error=exc.message))
        except Exception as exc:  # reported on the progress page, not lost
            self._finish(RotationState("failed", error=type(exc).__name__))
        else:
            state = self.state
            total = state.total if state else 0
            self._finish(RotationState("done", total, total, generation))

    def _finish(self, state: RotationState) -> None:
        with self._lock:
            self._state = state
