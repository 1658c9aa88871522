"""``Workers``: every background thread of a running pds, started and stopped in one place.

- the courier (``courier``): posts RFP webhooks and sweeps expired RFPs; runs from
  ``start`` to ``stop`` when the settings enable webhooks;
- the data-key rotation (``key_rotation``): one at a time, started by the owner;
- the portal's archive exports (``exports``): one thread per download;
- the backup schedule (``backups``): snapshots into ``PDS_BACKUP_DIR`` every
  ``PDS_BACKUP_EVERY``, from ``start`` to ``stop``, when a backup directory is set;
- the audit log's group commit: a timer thread of the store's ``AuditLog``, flushed and
  ended by ``stop``.

``stop`` ends them all and waits for their threads (a rotation under way finishes
first: it holds the store and cannot stop half-way), so that the store can be closed
right after. Nothing else in pds starts a thread that outlives the call that made it.
"""

from __future__ import annotations

import datetime as dt
import threading

from pds.config import Settings
from pds.runtime.backups import BackupSchedule
from pds.runtime.courier import Courier
from pds.runtime.exports import ExportJobs
from pds.runtime.key_rotation import KeyRotation
from pds.services import Services

STOP_SECONDS = 30.0  # the most ``stop`` waits for each worker (a post, an export batch)


class Workers:
    def __init__(self, services: Services, settings: Settings) -> None:
        self._services = services
        self.courier = Courier(services) if settings.webhooks_enabled else None
        self.key_rotation = KeyRotation(services.store)
        self.exports = ExportJobs(services.archive)
        self.backups = BackupSchedule.for_settings(services.store, settings)
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        """Start the workers that run all the time (the courier, if enabled); once."""
        with self._lock:
            if self._started:
                return
            self._started = True
            if self.courier is not None:
                self.courier.start()
            if self.backups is not None:
                self.backups.start()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """End every worker and wait for its thread; the store stays open."""
        if self.courier is not None:
            self.courier.stop(timeout)
        if self.backups is not None:
            self.backups.stop(timeout)
        self.exports.stop(timeout)
        self.key_rotation.wait()
        self._services.store.audit.flush()

    def problems(self, now: dt.datetime | None = None) -> list[str]:
        """What is wrong with the workers that should be running (``/readyz``)."""
        with self._lock:
            started = self._started
        if not started:
            return []
        now = now or dt.datetime.now(dt.UTC)
        found = []
        if self.courier is not None and not self.courier.running:
            found.append("the webhook courier is not running")
        if self.backups is not None:
            problem = self.backups.status().problem(now)
            if problem is not None:
                found.append(problem)
        return found
