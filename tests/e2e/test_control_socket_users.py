"""Only the server's own OS user gets through the control socket: another user is kept
out by the file system (the store directory and the socket are the owner's alone) and,
were it to reach the socket (root can), refused on its peer credentials. The tests run
as root and take the uid of ``nobody`` for the other side."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pds.cli import main
from pds.cli.control import client
from pds.cli.control.server import ControlServer
from pds.config import settings_from_env
from pds.errors import PermissionDenied
from pds.runtime import build_runtime, create_store
from pds.services import SPECS
from pds.store import Store
from tests.conftest import PASSPHRASE
from tests.e2e.userkit import OTHER_UID, needs_root

pytestmark = needs_root


@dataclass
class ChildServer:
    home: Path
    pid: int

    def stop(self) -> None:
        """Kill the server (once): its store is free to open afterwards."""
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0


@pytest.fixture
def nobodys_server() -> Iterator[ChildServer]:
    """A control socket served by a child process running as ``nobody`` over its own
    store (in a directory ``nobody`` owns)."""
    root = Path(tempfile.mkdtemp(prefix="pds-peer-"))
    home = root / "store"
    settings = settings_from_env({"PDS_HOME": str(home)})
    create_store(settings, PASSPHRASE, scrypt_n=1024).close()
    for path in (root, *root.rglob("*")):
        os.chown(path, OTHER_UID, OTHER_UID)
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(ready_read)
            os.setgid(OTHER_UID)
            os.setuid(OTHER_UID)
            runtime = build_runtime(settings, passphrase=PASSPHRASE)
            ControlServer(home, runtime, main).start()
            os.write(ready_write, b"ready")
            while True:
                signal.pause()
        finally:
            os._exit(1)
    os.close(ready_write)
    with os.fdopen(ready_read, "rb") as ready:
        assert ready.read(5) == b"ready"
    server = ChildServer(home, pid)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root)


def test_root_is_refused_by_a_server_of_another_user(
    nobodys_server: ChildServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert client.forward(nobodys_server.home, ["status"]) == PermissionDenied.exit_code
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == (
        "error: refused: uid 0 is not the user this server runs as; run pds as the store's owner\n"
    )
    nobodys_server.stop()
    store = Store.open(nobodys_server.home, PASSPHRASE, specs=SPECS)
    try:
        events = [entry.event for entry in store.audit.entries()]
        refusals = [event for event in events if event["action"] == "control.refused"]
    finally:
        store.close()
    assert len(refusals) == 1
    assert refusals[0]["actor"] == "uid:0"
    assert set(refusals[0]) <= {"actor", "action", "pid", "at"}  # nothing the client sent
