"""Standard streams that follow the command: in a thread that runs a command for a
client they are that client's (``Remote.channel``), everywhere else the process's own.

The server installs them once (``install``) before it serves; click, ``input()`` and
the commands' own ``sys.stdin.isatty()`` then work unchanged for every command.
"""

from __future__ import annotations

import io
import sys
from typing import TextIO, cast

from pds.cli.control.session import remote


class RoutedOutput(io.TextIOBase):
    """``sys.stdout`` (``name="out"``) or ``sys.stderr`` (``"err"``)."""

    def __init__(self, name: str, own: TextIO) -> None:
        super().__init__()
        self._name = name
        self._own = own

    encoding = "utf-8"
    errors = "strict"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click asks whether this stream takes bytes
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        command = remote()
        if command is None:
            return self._own.write(text)
        if text:
            command.channel.write(self._name, text)
        return len(text)

    def flush(self) -> None:
        if remote() is None:
            self._own.flush()

    def isatty(self) -> bool:
        command = remote()
        if command is None:
            return self._own.isatty()
        terminal = command.terminal
        return terminal.stdout if self._name == "out" else terminal.stderr

    def fileno(self) -> int:
        if remote() is None:
            return self._own.fileno()
        raise io.UnsupportedOperation("a client's stream has no descriptor here")


class RoutedInput:
    """``sys.stdin``: a client's next line, asked for when the command reads one (what
    ``input()``, click's prompts and ``isatty`` use of a text stream)."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, own: TextIO) -> None:
        self._own = own

    @property
    def closed(self) -> bool:
        return self._own.closed

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1, /) -> str:
        command = remote()
        if command is None:
            return self._own.readline(-1 if size is None else size)
        return command.channel.ask({"ask": "line"}) or ""

    def read(self, size: int | None = -1, /) -> str:
        if remote() is not None:
            return self.readline()
        return self._own.read(-1 if size is None else size)

    def isatty(self) -> bool:
        command = remote()
        return command.terminal.stdin if command is not None else self._own.isatty()

    def fileno(self) -> int:
        if remote() is None:
            return self._own.fileno()
        raise io.UnsupportedOperation("a client's stream has no descriptor here")


def install() -> None:
    """Route ``sys.stdin``, ``sys.stdout`` and ``sys.stderr`` (once per process)."""
    if not isinstance(sys.stdout, RoutedOutput):
        sys.stdout = RoutedOutput("out", sys.stdout)
    if not isinstance(sys.stderr, RoutedOutput):
        sys.stderr = RoutedOutput("err", sys.stderr)
    if not isinstance(sys.stdin, RoutedInput):
        sys.stdin = cast(TextIO, RoutedInput(sys.stdin or io.StringIO()))
