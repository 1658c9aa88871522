"""A command the server runs for a client: its ``Remote`` (the server's runtime, the
client's directory, environment and terminal) and the ``Channel`` back to the client.

``remote()`` is ``None`` when a command runs in its own process, as without a server;
inside the server it is the command's own (a context variable: each command runs on
its own thread).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pds.cli.control import protocol
from pds.runtime import Runtime


class Channel:
    """The connection to one client: output frames as they are written, questions and
    their answers, the exit code. A client that went away is not an error for the
    command: what it writes is dropped, what it asks is answered with end of input."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self.gone = False

    def write(self, stream: str, text: str) -> None:
        with self._lock:
            self._send({stream: text})

    def ask(self, question: dict[str, Any]) -> str | None:
        """The client's answer to ``question``; ``None`` if it has none (end of input)."""
        with self._lock:
            self._send(question)
            if self.gone:
                return None
            try:
                reply = protocol.receive(self._connection)
            except (OSError, protocol.ProtocolError):
                reply = None
            answer = reply.get("answer") if reply else None
            if not isinstance(answer, str):
                self.gone = reply is None or self.gone
                return None
            return answer

    def finish(self, code: int) -> None:
        with self._lock:
            self._send({"exit": code})

    def _send(self, message: dict[str, Any]) -> None:
        if self.gone:
            return
        try:
            protocol.send(self._connection, message)
        except OSError:
            self.gone = True


@dataclass(frozen=True)
class Terminal:
    """Which of the client's standard streams are terminals, and its width."""

    stdin: bool = False
    stdout: bool = False
    stderr: bool = False
    columns: int = 80


@dataclass(frozen=True)
class Remote:
    """One command run by the server for a client of the same OS user."""

    runtime: Runtime
    cwd: Path
    env: dict[str, str]
    terminal: Terminal
    channel: Channel = field(compare=False)
    #: Paths the command was given, resolved against ``cwd`` -> as they were typed.
    typed: dict[str, str] = field(default_factory=dict, compare=False)


_current: ContextVar[Remote | None] = ContextVar("pds_remote_command", default=None)


def remote() -> Remote | None:
    """The command this thread runs for a client, if it runs one."""
    return _current.get()


@contextmanager
def running(command: Remote) -> Iterator[None]:
    token = _current.set(command)
    try:
        yield
    finally:
        _current.reset(token)
