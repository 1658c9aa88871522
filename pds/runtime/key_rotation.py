"""The data-key rotation the portal starts: one at a time, on a thread the runtime owns.

Rotating re-encrypts every file of the store (``Store.rotate_key``: crash-safe and
resumable). ``KeyRotation.start`` runs it on a thread and reports its progress; a start
while one runs is refused with ``AlreadyRunning`` (a ``Conflict``), however many
requests ask at once (the check and the start happen under one lock). ``wait`` is how
the runtime's stop lets a rotation under way finish before the store closes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pds.errors import AlreadyRunning, PdsError
from pds.store import Store


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
    """Data-key rotations of ``store``, one at a time, each on a background thread."""

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

    @property
    def running(self) -> bool:
        state = self.state
        return state is not None and state.status == "running"

    def start(self) -> RotationState:
        """Start a rotation; ``AlreadyRunning`` (a ``Conflict``) while one is running."""
        with self._lock:
            if self._state is not None and self._state.status == "running":
                raise AlreadyRunning("a data-key rotation is already running: wait for it to end")
            self._state = RotationState("running")
            self._thread = threading.Thread(target=self._run, name="pds-key-rotation", daemon=True)
            self._thread.start()
            return self._state

    def wait(self, timeout: float | None = None) -> RotationState | None:
        """Wait for the running rotation to end (for tests and the runtime's stop)."""
        with self._lock:
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
