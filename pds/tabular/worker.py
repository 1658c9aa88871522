"""A CSV worker process: ``python -m pds.tabular.worker``.

It reads frames on stdin (``frames``): a plan, then batches of JSON records, and
answers each batch with its CSV text (one per table of the plan) on stdout. On an
error it answers with the kind of error only, never a record's data, and stops. It
keeps nothing: it ends when its stdin does.
"""

from __future__ import annotations

import gc
import sys
from typing import IO

from pds.tabular import frames
from pds.tabular.plan import CsvPlan


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    plan: CsvPlan | None = None
    while (frame := frames.read_frame(stdin)) is not None:
        kind, payload = frame
        try:
            if kind == frames.PLAN:
                plan = CsvPlan.from_json(payload)
                continue
            if kind != frames.BATCH or plan is None:
                raise ValueError("a batch must follow a plan")
            frames.write_frame(stdout, frames.TEXT, frames.pack_texts(plan.texts_of_json(payload)))
        except Exception as error:  # reported by kind only: its text may quote data
            frames.write_frame(stdout, frames.ERROR, type(error).__name__.encode())
            return


def main() -> None:
    gc.disable()  # short-lived, acyclic objects only; the process ends with its stdin
    serve(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
