"""The other side of the control socket as another OS user (``nobody``), for tests that
run as root: a forked child of the test process that drops to that user."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pds.cli import main
from tests.conftest import PASSPHRASE

OTHER_UID = 65534  # nobody


def as_other_user(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``work()`` in a forked child running as ``OTHER_UID``; what it returned."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            os.setgid(OTHER_UID)
            os.setuid(OTHER_UID)
            answer = work()
        except BaseException as error:  # reported to the parent, which fails the test
            answer = {"raised": repr(error)}
        os.write(write, json.dumps(answer).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        answer: dict[str, Any] = json.loads(pipe.read() or b"{}")
    os.waitpid(pid, 0)
    return answer


def pds_status(home: Path) -> dict[str, Any]:
    """``pds status`` over ``home``, run in this process: its exit code and stderr."""
    os.environ.update({"PDS_HOME": str(home), "PDS_PASSPHRASE": PASSPHRASE})
    sys.stderr = captured = io.StringIO()
    try:
        main.main(args=["status"], prog_name="pds", standalone_mode=True)
        code: Any = 0
    except SystemExit as end:
        code = end.code
    return {"code": code, "err": captured.getvalue()}


needs_root = pytest.mark.skipif(
    os.getuid() != 0, reason="needs root: the other user's side runs as uid 65534 (nobody)"
)
