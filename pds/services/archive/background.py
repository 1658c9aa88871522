"""One thread that carries out writes in order, beside the thread that reads and
converts records: the export's CSV goes into its encrypted spool on it (AES lets go of
the GIL, so encrypting and writing overlap with the Python work of the next batch)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

Job = Callable[[], object]


class Background:
    """At most ``depth`` jobs wait; a job's error is raised by the next ``submit`` or
    ``wait`` (and the jobs after it are skipped)."""

    def __init__(self, depth: int = 4) -> None:
        self._queue: queue.Queue[Job | None] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pds-archive-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                if self._error is None:
                    job()
            except BaseException as exc:  # handed to the caller's thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _check(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, job: Job) -> None:
        self._check()
        self._queue.put(job)

    def wait(self) -> None:
        """Until every job handed over is done (then the caller may touch what they wrote)."""
        self._queue.join()
        self._check()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
