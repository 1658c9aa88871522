"""Without a server, a command opens the store itself: no socket, or one a killed
server left behind."""

from __future__ import annotations

import socket
from pathlib import Path

from pds.cli.control import client
from pds.cli.control.address import SOCKET_NAME, socket_address
from tests.cli.conftest import Invoke


def test_a_socket_left_by_a_dead_server_is_passed_by(pds: Invoke, initialised: Path) -> None:
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with socket_address(initialised) as address:
        stale.bind(address)
    stale.close()  # the file stays; nobody listens
    assert (initialised / SOCKET_NAME).is_socket()
    assert not client.serving(initialised)
    result = pds("status")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"store      {initialised} ")


def test_no_store_directory_is_no_server(tmp_path: Path) -> None:
    assert client.forward(tmp_path / "nothing", ["status"]) is None
