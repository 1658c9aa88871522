"""Archive exports the portal streams, each run on a thread the runtime owns.

The request thread only hands bytes on: ``ExportJobs.stream`` checks the options at once
(``ValidationFailed`` before any byte is sent), and the export itself (reading every
collection, making the CSV, zipping, encrypting) runs on a ``pds-export`` thread that
may pause the garbage collector for its batches (``pds.store.gcpause``), which a request
thread may not. The bytes go through a short queue, so an export runs no further ahead
of the download than a few batches; when the download ends early (the browser went
away) or the runtime stops, the export is cancelled at its next batch.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Iterator
from typing import IO, Any, cast

from pds.errors import ExportFailed
from pds.services.archive import Exporter, ExportOptions
from pds.services.archive.service import ArchiveService
from pds.store.gcpause import gc_pauses_allowed

DEPTH = 8  # chunks waiting for the download at most
POLL_SECONDS = 0.1  # how often a blocked job looks whether it was cancelled


class Chunks(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken away as they come (written
    by the exporter's writer thread, taken by the export job)."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self._written = 0
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        with self._lock:
            self._parts.append(bytes(data))
            self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def take(self) -> bytes:
        with self._lock:
            data = b"".join(self._parts)
            self._parts.clear()
        return data


class ExportJob:
    """One export on its own thread; ``chunks`` gives its bytes as they come."""

    def __init__(self, exporter: Exporter, sink: Chunks) -> None:
        self._exporter = exporter
        self._sink = sink
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(DEPTH)
        self._cancelled = threading.Event()
        self.thread = threading.Thread(target=self._run, name="pds-export", daemon=True)

    def cancel(self) -> None:
        self._cancelled.set()

    def chunks(self) -> Iterator[bytes]:
        """The archive's bytes; the export starts with the first ``next`` and is
        cancelled when this iterator is closed before the end."""
        self.thread.start()
        try:
            while True:
                item = self._next()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.cancel()

    def _next(self) -> bytes | BaseException | None:
        """The next item; when the thread has ended with nothing left, it was cancelled."""
        while True:
            try:
                return self._queue.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not self.thread.is_alive() and self._queue.empty():
                    return ExportFailed("the export was cancelled: the server is stopping")

    def _run(self) -> None:
        with gc_pauses_allowed():
            try:
                steps = self._exporter.steps()
                try:
                    for _ in steps:
                        if not self._hand_on(self._sink.take()):
                            return  # cancelled: closing ``steps`` ends the export's workers
                finally:
                    steps.close()
                self._hand_on(self._sink.take())
                self._hand_on(None)
            except BaseException as exc:  # raised in the request thread that streams it
                self._hand_on(exc)

    def _hand_on(self, item: bytes | BaseException | None) -> bool:
        """Put ``item`` in the queue, waiting for room; ``False`` once cancelled."""
        if item == b"":
            return not self._cancelled.is_set()
        while not self._cancelled.is_set():
            try:
                self._queue.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False


class ExportJobs:
    """The exports under way; ``stop`` cancels them and waits for their threads."""

    def __init__(self, archive: ArchiveService) -> None:
        self._archive = archive
        self._lock = threading.Lock()
        self._jobs: set[ExportJob] = set()
        self._stopped = False

    def stream(self, options: ExportOptions) -> Iterator[bytes]:
        """The bytes of an export with ``options``, checked now (``ValidationFailed``);
        ``ExportFailed`` once the runtime has stopped."""
        self._check_running()
        sink = Chunks()
        exporter = self._archive.exporter(cast(IO[bytes], sink), options)  # a binary stream
        return self._tracked(ExportJob(exporter, sink))

    def _check_running(self) -> None:
        if self._stopped:
            raise ExportFailed("the server is stopping: export again once it runs")

    def _tracked(self, job: ExportJob) -> Iterator[bytes]:
        with self._lock:  # from the first ``next``: a stream never read starts nothing
            self._check_running()
            self._jobs.add(job)
        try:
            yield from job.chunks()
        finally:
            if job.thread.ident is not None:  # started: wait until it has let go
                job.thread.join()
            with self._lock:
                self._jobs.discard(job)

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._jobs)

    def stop(self, timeout: float | None = None) -> None:
        """Cancel every export under way and wait for its thread to end."""
        with self._lock:
            self._stopped = True
            jobs = list(self._jobs)
        for job in jobs:
            job.cancel()
        for job in jobs:
            if job.thread.is_alive():
                job.thread.join(timeout)
