from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from pds.cli.control.session import Channel, Remote, Terminal
from pds.runtime.current import runtime_of


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """Two connected Unix sockets: the server's end and the client's."""
    server, client = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with server, client:
        yield server, client


@pytest.fixture
def remote(app: Flask, pair: tuple[socket.socket, socket.socket], tmp_path: Path) -> Remote:
    """A command run for a client in ``tmp_path``, with a terminal on stdin and stderr."""
    terminal = Terminal(stdin=True, stdout=False, stderr=True, columns=100)
    env = {"PDS_ARCHIVE_PASSPHRASE": "from the client"}
    return Remote(runtime_of(app), tmp_path, env, terminal, Channel(pair[0]))
