"""The command line's side of the control socket: hand a command to the server that
holds the store, show what it writes as it writes it, answer its questions from this
terminal, and end with its exit code."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import sys
from pathlib import Path
from typing import Any

from pds.cli.control import protocol
from pds.cli.control.address import socket_address
from pds.errors import PermissionDenied, StoreError

ENV_PREFIX = "PDS_"
NOT_SENT = frozenset({"PDS_PASSPHRASE"})  # the server holds the keys: no secret to carry


def _connect(home: Path) -> socket.socket | None:
    """A connection to the server of ``home``; ``None`` when no server listens there."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with socket_address(home) as address:
            sock.connect(address)
    except (FileNotFoundError, NotADirectoryError, ConnectionRefusedError):
        sock.close()
        return None  # no socket, or one left by a server that is gone
    except PermissionError:
        sock.close()
        raise PermissionDenied(
            f"refused: the store at {home} and its server belong to another user"
        ) from None
    return sock


def serving(home: Path) -> bool:
    """Whether a ``pds serve`` answers on ``home``'s control socket."""
    sock = _connect(home)
    if sock is None:
        return False
    sock.close()
    return True


def forward(home: Path, argv: list[str], prog: str = "pds") -> int | None:
    """Run ``pds ARGV`` in the server of ``home`` (``prog``: the name the command was
    typed with, for its usage lines); its exit code, or ``None`` when no server runs
    there (the command then opens the store itself)."""
    sock = _connect(home)
    if sock is None:
        return None
    with sock:
        try:
            protocol.send(sock, {"run": _request(argv, prog)})
            return _follow(sock)
        except (OSError, protocol.ProtocolError) as error:
            raise StoreError(f"lost the connection to the server: {error}") from None


def _request(argv: list[str], prog: str) -> dict[str, Any]:
    return {
        "argv": argv,
        "prog": prog,
        "cwd": os.getcwd(),
        "env": {
            k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX) and k not in NOT_SENT
        },
        "tty": {
            "stdin": _isatty(sys.stdin),
            "stdout": _isatty(sys.stdout),
            "stderr": _isatty(sys.stderr),
        },
        "columns": shutil.get_terminal_size().columns,
    }


def _isatty(stream: Any) -> bool:
    return bool(stream is not None and stream.isatty())


def _follow(sock: socket.socket) -> int:
    while True:
        message = protocol.receive(sock)
        if message is None:
            raise StoreError("the server ended the command without an exit code")
        if "out" in message:
            _show(sys.stdout, message["out"])
        elif "err" in message:
            _show(sys.stderr, message["err"])
        elif "ask" in message:
            protocol.send(sock, {"answer": _answer(message)})
        elif "exit" in message:
            code = message["exit"]
            return code if isinstance(code, int) else 1


def _show(stream: Any, text: object) -> None:
    stream.write(str(text))
    stream.flush()


def _answer(question: dict[str, Any]) -> str | None:
    """A line of this process's input, or a secret typed at its terminal (not echoed);
    ``None`` at the end of input."""
    if question.get("ask") == "secret":
        try:
            return getpass.getpass(str(question.get("label", "")))
        except EOFError:
            return None
    line = sys.stdin.readline()
    return line or None
