"""CSV text made in worker processes, handed back in the order the batches came.

Parsing every record and making its CSV line is most of an export's work, and it is
Python work, which another thread cannot take to another core. ``CsvWorkers`` hands
batches in turn to ``count`` worker processes (``python -m pds.tabular.worker``) and
gives their texts back in order. At most ``ahead`` batches per worker are out at
once, so memory stays bounded; a thread per worker writes its batches and another
reads its answers, so the exporting thread never waits on one busy worker while
another is idle.

The workers get the environment without any ``PDS_`` variable (no passphrase), do not
put the working directory on their path (``-P``), and their stderr goes nowhere: a
record never reaches a log or a stray module. A worker ends with its stdin,
or is killed if the export stops before reading all its answers.

``InlineCsv`` does the same in this process: for small collections (starting a
process costs more than it saves) and for one-core machines.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections import deque
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import Protocol

from pds.errors import ExportFailed
from pds.tabular import frames
from pds.tabular.plan import CsvPlan

# -P: not the working directory first on the worker's path (a stray orjson.py there
# would run with the records); the worker finds this pds through PYTHONPATH instead.
WORKER_COMMAND = (sys.executable, "-P", "-m", "pds.tabular.worker")
_PDS_ROOT = str(Path(__file__).resolve().parents[2])


class CsvMaker(Protocol):
    def use(self, plan: CsvPlan) -> None:
        """The plan of the batches that follow (after ``drain``)."""

    def put(self, batch: bytes) -> list[list[bytes]]:
        """Take a batch (JSON records joined by commas); the texts now due, in order
        (for each batch, one text per table of the plan)."""

    def drain(self) -> list[list[bytes]]:
        """The texts of every batch still out, in order."""


class InlineCsv:
    def __init__(self) -> None:
        self._plan: CsvPlan | None = None

    def use(self, plan: CsvPlan) -> None:
        self._plan = plan

    def put(self, batch: bytes) -> list[list[bytes]]:
        assert self._plan is not None, "use(plan) first"
        return [self._plan.texts_of_json(batch)]

    def drain(self) -> list[list[bytes]]:
        return []


class CsvWorkers:
    def __init__(self, count: int, ahead: int = 2) -> None:
        self._workers: list[_Worker] = []
        self._limit = ahead * count
        self._turn = 0
        self._out: deque[_Worker] = deque()
        try:
            for _ in range(count):
                self._workers.append(_Worker())
        except (OSError, ValueError) as error:  # (no Python to run, no pipes left)
            self.close()
            raise ExportFailed(f"could not start a CSV worker process: {error}") from error

    def use(self, plan: CsvPlan) -> None:
        assert not self._out, "drain() before a new plan"
        for worker in self._workers:
            worker.send(frames.PLAN, plan.to_json())

    def put(self, batch: bytes) -> list[list[bytes]]:
        worker = self._workers[self._turn]
        self._turn = (self._turn + 1) % len(self._workers)
        worker.send(frames.BATCH, batch)
        self._out.append(worker)
        due = []
        while len(self._out) > self._limit:
            due.append(self._out.popleft().answer())
        return due

    def drain(self) -> list[list[bytes]]:
        return [self._out.popleft().answer() for _ in range(len(self._out))]

    def close(self, kill: bool = False) -> None:
        """End the workers; kill them if told to, or if answers are still out (the
        export stopped early)."""
        kill = kill or bool(self._out)
        for worker in self._workers:
            worker.close(kill)
        self._out.clear()

    def __enter__(self) -> CsvWorkers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(kill=error is not None)


def _environment() -> dict[str, str]:
    """This process's environment without ``PDS_`` settings, and with the directory this
    pds came from first on the path."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PDS_")}
    paths = [_PDS_ROOT, *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    return environment


class _Worker:
    """One worker process, with a thread writing its batches and one reading its answers."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            WORKER_COMMAND,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_environment(),
        )
        self._outgoing: queue.Queue[tuple[bytes, bytes] | None] = queue.Queue()
        self._answers: queue.Queue[tuple[bytes, bytes] | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._write, name="pds-csv-write", daemon=True),
            threading.Thread(target=self._read, name="pds-csv-read", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _write(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        with suppress(OSError):  # the worker is gone: the reader sees its stdout end
            while (frame := self._outgoing.get()) is not None:
                frames.write_frame(stdin, *frame)
        with suppress(OSError):
            stdin.close()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while (frame := frames.read_frame(stdout)) is not None:
            self._answers.put(frame)
        self._answers.put(None)

    def send(self, kind: bytes, payload: bytes) -> None:
        self._outgoing.put((kind, payload))

    def answer(self) -> list[bytes]:
        frame = self._answers.get()
        if frame is None:
            self._answers.put(None)  # (for any later question)
            status = self.process.wait()
            raise ExportFailed(f"a CSV worker process stopped (exit status {status})")
        kind, payload = frame
        if kind == frames.ERROR:
            problem = payload.decode("ascii", "replace")
            raise ExportFailed(f"a CSV worker could not make a batch's CSV ({problem})")
        return frames.unpack_texts(payload)

    def close(self, kill: bool) -> None:
        if kill:
            self.process.kill()
        self._outgoing.put(None)
        for thread in self._threads:
            thread.join()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
