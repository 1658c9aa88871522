"""CSV worker processes: the same text as this process makes, in order, and a clear
error (never a record's data) when a worker fails."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

import pds
from pds.errors import ExportFailed
from pds.tabular import Column, CsvPlan, CsvWorkers, Table, frames
from pds.tabular import workers as workers_module
from pds.tabular.plan import ITEM, NAME, POSITION
from pds.tabular.worker import serve
from pds.tabular.workers import InlineCsv, _environment

PLAN = CsvPlan(
    (
        Table(
            "things", (Column("id", ("id",)), Column("name", ("name",)), Column("tags", ("tags",)))
        ),
    )
)
OTHER = CsvPlan(
    (
        Table(
            "others", (Column("id", ("id",)), Column("who", ("id",), NAME, names="n")), extra=True
        ),
        Table(
            "other_tags",
            (
                Column("other_id", ("id",)),
                Column("position", kind=POSITION, scope=POSITION),
                Column("tag", scope=ITEM),
            ),
            items=("tags",),
        ),
    ),
    names={"n": {"r1": "one"}},
)


def _batch(start: int, size: int) -> bytes:
    records = [
        {"id": f"r{n}", "name": f"=n{n}", "tags": ["a", str(n)]} for n in range(start, start + size)
    ]
    return b",".join(map(orjson.dumps, records))


BATCHES = [_batch(n * 37, 37) for n in range(23)]


def _texts(maker: InlineCsv | CsvWorkers, plan: CsvPlan) -> list[list[bytes]]:
    maker.use(plan)
    texts = [text for batch in BATCHES for text in maker.put(batch)]
    return texts + maker.drain()


def test_workers_make_the_texts_this_process_makes_in_order() -> None:
    expected = {plan: _texts(InlineCsv(), plan) for plan in (PLAN, OTHER)}
    with CsvWorkers(2, ahead=1) as workers:
        for plan in (PLAN, OTHER, PLAN):  # a new plan after a drain
            assert _texts(workers, plan) == expected[plan]
    assert b'"r0","\'=n0","a; 0"\r\n' in expected[PLAN][0][0]
    assert b'"r1","one",' in expected[OTHER][0][0] and b'"r1","2","1"' in expected[OTHER][0][1]


def test_at_most_ahead_batches_per_worker_are_out() -> None:
    with CsvWorkers(2, ahead=2) as workers:
        workers.use(PLAN)
        due = [len(workers.put(batch)) for batch in BATCHES[:6]]
        assert due == [0, 0, 0, 0, 1, 1]
        assert len(workers.drain()) == 4


def test_a_batch_that_is_not_json_stops_with_the_kind_of_error_only() -> None:
    with pytest.raises(ExportFailed) as failed, CsvWorkers(1) as workers:
        workers.use(PLAN)
        workers.put(b'{"id": "secret value", ')
        workers.drain()
    assert failed.value.message == "a CSV worker could not make a batch's CSV (JSONDecodeError)"


def test_a_worker_that_dies_is_an_export_failure() -> None:
    with pytest.raises(ExportFailed) as failed, CsvWorkers(1) as workers:
        workers.use(PLAN)
        workers._workers[0].process.kill()
        workers.put(BATCHES[0])
        workers.drain()
    assert failed.value.message.startswith("a CSV worker process stopped (exit status")


def test_stopping_early_ends_the_workers() -> None:
    workers = CsvWorkers(2)
    workers.use(PLAN)
    for batch in BATCHES[:3]:
        workers.put(batch)
    processes = [worker.process for worker in workers._workers]
    workers.close()
    assert all(process.poll() is not None for process in processes)


def test_workers_get_no_pds_setting_and_this_pds_first_on_their_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PDS_PASSPHRASE", "not for workers")
    monkeypatch.setenv("PDS_HOME", "/somewhere")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    environment = _environment()
    assert not [name for name in environment if name.startswith("PDS_")]
    assert environment["PATH"] == os.environ["PATH"]
    root = Path(pds.__file__).resolve().parent.parent
    assert environment["PYTHONPATH"] == f"{root}{os.pathsep}/elsewhere"


def test_a_module_in_the_working_directory_is_not_imported_by_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "orjson.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path)
    with CsvWorkers(1) as workers:
        assert _texts(workers, PLAN) == _texts(InlineCsv(), PLAN)
    assert not marker.exists()


def test_the_worker_answers_a_batch_before_a_plan_with_an_error() -> None:
    stdin, stdout = io.BytesIO(), io.BytesIO()
    frames.write_frame(stdin, frames.BATCH, BATCHES[0])
    stdin.seek(0)
    serve(stdin, stdout)
    stdout.seek(0)
    assert frames.read_frame(stdout) == (frames.ERROR, b"ValueError")


def test_the_worker_module_starts_without_the_rest_of_pds() -> None:
    code = "import json, sys, pds.tabular.worker; print(json.dumps(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert {name for name in json.loads(loaded.stdout) if name.startswith("pds")} == {
        "pds", "pds.errors", "pds.tabular", "pds.tabular.frames", "pds.tabular.plan",
        "pds.tabular.worker", "pds.tabular.workers", "pds.version",
    }  # fmt: skip


def test_a_worker_that_cannot_start_is_an_export_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers_module, "WORKER_COMMAND", ("/nonexistent/python", "-m", "x"))
    with pytest.raises(ExportFailed) as failed:
        CsvWorkers(2)
    assert failed.value.message.startswith("could not start a CSV worker process:")
