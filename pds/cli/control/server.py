"""``ControlServer``: the control socket of ``pds serve``.

It listens on ``control.sock`` in the store directory, created with mode 0600 (under a
umask that never lets it be anything else) in the store's directory, made 0700 if it
was open to others; a socket left
by a server that was killed is replaced (this process holds the store's lock, so no
other server can be using it). Each connection gets its own thread: the kernel says who
connected (SO_PEERCRED); another OS user than the server's, root included, is refused
with one line, logged and audited without anything it sent. The server's own user
sends one request, the command runs (``run_command``), and the connection closes after
its exit code.
"""

from __future__ import annotations

import logging
import os
import socket
import stat
import threading
from pathlib import Path
from typing import Any

import click

from pds.cli.control import protocol
from pds.cli.control.address import SOCKET_NAME, socket_address
from pds.cli.control.peer import Peer, peer_of
from pds.cli.control.routing import install
from pds.cli.control.session import Channel, Remote, Terminal, running
from pds.errors import PermissionDenied
from pds.runtime import Runtime

log = logging.getLogger("pds.control")
ACCEPT_POLL = 0.5  # seconds between checks of ``stop`` while nobody connects
REQUEST_SECONDS = 10.0  # the most a client may take to send its request
ENV_PREFIX = "PDS_"


class BadRequest(Exception):
    """A request that is not ``{"run": {...}}`` as the client sends it."""


class ControlServer:
    """Runs ``command`` (the ``pds`` group) for clients of this OS user, over ``runtime``."""

    def __init__(self, home: Path, runtime: Runtime, command: click.Command) -> None:
        self.path = home / SOCKET_NAME
        self._home = home
        self._runtime = runtime
        self._command = command
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        install()
        if stat.S_IMODE(self._home.stat().st_mode) & 0o077:
            log.warning("control socket: %s was open to others; now mode 0700", self._home)
            os.chmod(self._home, 0o700)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with socket_address(self._home) as address:
            self.path.unlink(missing_ok=True)  # a dead server's: the store lock is ours
            old_umask = os.umask(0o177)
            try:
                listener.bind(address)
            finally:
                os.umask(old_umask)
        os.chmod(self.path, 0o600)
        listener.listen(8)
        listener.settimeout(ACCEPT_POLL)
        self._listener = listener
        thread = threading.Thread(target=self._accept, name="pds-control", daemon=True)
        self._track(thread)
        thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop taking connections, let commands under way end, remove the socket."""
        self._stopping.set()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)
        if self._listener is not None:
            self._listener.close()
            self.path.unlink(missing_ok=True)
            self._listener = None

    def _track(self, thread: threading.Thread) -> None:
        with self._lock:
            self._threads.add(thread)

    def _untrack(self) -> None:
        with self._lock:
            self._threads.discard(threading.current_thread())

    def _accept(self) -> None:
        assert self._listener is not None
        try:
            while not self._stopping.is_set():
                try:
                    connection, _ = self._listener.accept()
                except TimeoutError:
                    continue
                connection.settimeout(None)
                thread = threading.Thread(
                    target=self._serve, args=(connection,), name="pds-control-command"
                )
                self._track(thread)
                thread.start()
        finally:
            self._untrack()

    def _serve(self, connection: socket.socket) -> None:
        try:
            with connection:
                peer = peer_of(connection)
                if not peer.is_me:
                    self._refuse(connection, peer)
                    return
                connection.settimeout(REQUEST_SECONDS)
                try:
                    message = protocol.receive(connection)
                except (OSError, protocol.ProtocolError) as error:
                    log.warning("control socket: pid %d sent no request: %s", peer.pid, error)
                    return
                if message is None:  # a client asking whether a server is there
                    return
                connection.settimeout(None)
                self._answer(connection, peer, message)
        finally:
            self._untrack()

    def _refuse(self, connection: socket.socket, peer: Peer) -> None:
        error = PermissionDenied(
            f"refused: uid {peer.uid} is not the user this server runs as; run pds as "
            "the store's owner"
        )
        log.warning("control socket: refused pid %d of uid %d", peer.pid, peer.uid)
        self._runtime.store.audit.append(
            {"actor": f"uid:{peer.uid}", "action": "control.refused", "pid": peer.pid}
        )
        channel = Channel(connection)
        channel.write("err", f"error: {error.message}\n")
        channel.finish(error.exit_code)

    def _answer(self, connection: socket.socket, peer: Peer, message: dict[str, Any]) -> None:
        channel = Channel(connection)
        try:
            command = self._remote(message, channel)
        except BadRequest as error:
            log.warning("control socket: bad request from pid %d: %s", peer.pid, error)
            channel.write("err", f"error: bad request to the server: {error}\n")
            channel.finish(2)
            return
        run = message["run"]
        prog = run.get("prog") if isinstance(run.get("prog"), str) else "pds"
        code = run_command(self._command, command, list(run["argv"]), prog)
        log.info("control socket: a command of pid %d ended with exit code %d", peer.pid, code)
        channel.finish(code)

    def _remote(self, message: dict[str, Any], channel: Channel) -> Remote:
        run = message.get("run")
        if not isinstance(run, dict):
            raise BadRequest('expected {"run": ...}')
        argv, cwd, env, tty = run.get("argv"), run.get("cwd"), run.get("env"), run.get("tty")
        if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
            raise BadRequest("argv must be a list of strings")
        if not isinstance(cwd, str) or not os.path.isabs(cwd):
            raise BadRequest("cwd must be an absolute path")
        if not isinstance(env, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            raise BadRequest("env must map names to strings")
        if not isinstance(tty, dict):
            raise BadRequest("tty must say which streams are terminals")
        columns = run.get("columns")
        terminal = Terminal(
            stdin=tty.get("stdin") is True,
            stdout=tty.get("stdout") is True,
            stderr=tty.get("stderr") is True,
            columns=columns if isinstance(columns, int) and 20 <= columns <= 1000 else 80,
        )
        kept = {k: v for k, v in env.items() if k.startswith(ENV_PREFIX)}
        return Remote(self._runtime, Path(cwd), kept, terminal, channel)


def run_command(command: click.Command, remote: Remote, argv: list[str], prog: str) -> int:
    """Run ``pds ARGV`` for ``remote`` on this thread, as ``pds`` would in its own
    process (named ``prog`` in its usage lines); its exit code."""
    with running(remote):
        try:
            command.main(
                args=argv,
                prog_name=prog,
                standalone_mode=True,
                terminal_width=_help_width(remote.terminal.columns),
            )
        except SystemExit as end:
            if end.code is None or isinstance(end.code, int):
                return end.code or 0
            click.echo(end.code, err=True)  # sys.exit("message"): printed, then 1
            return 1
        except Exception:  # a bug: the client gets one line, the server's log the trace
            log.exception("control socket: the command failed")
            remote.channel.write("err", "error: internal error (the server's log has it)\n")
            return 1
    return 0


def _help_width(columns: int) -> int:
    """The width click wraps help to on a terminal of ``columns`` (its HelpFormatter's
    rule when it measures the terminal itself: at most 80, less a margin of 2)."""
    return max(min(columns, 80) - 2, 50)
