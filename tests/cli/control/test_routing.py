"""The standard streams follow the command: a client's inside a command the server
runs for it, the process's own everywhere else."""

from __future__ import annotations

import io
import socket
import threading

import click
import pytest

from pds.cli.control import protocol
from pds.cli.control.routing import RoutedInput, RoutedOutput
from pds.cli.control.session import Remote, running

Pair = tuple[socket.socket, socket.socket]


def test_outside_a_command_the_process_keeps_its_streams() -> None:
    own = io.StringIO()
    out = RoutedOutput("out", own)
    click.echo("hello", file=out)
    assert own.getvalue() == "hello\n"
    assert RoutedInput(io.StringIO("typed\n")).readline() == "typed\n"


def test_inside_a_command_output_goes_to_its_client(remote: Remote, pair: Pair) -> None:
    own = io.StringIO()
    out, err = RoutedOutput("out", own), RoutedOutput("err", own)
    with running(remote):
        click.echo("to stdout", file=out)
        click.echo("to stderr", file=err)
        assert (out.isatty(), err.isatty()) == (False, True)  # the client's terminal
        with pytest.raises(io.UnsupportedOperation):
            out.fileno()
    assert own.getvalue() == ""
    frames = [protocol.receive(pair[1]) for _ in range(2)]
    assert "".join(f.get("out", "") for f in frames if f) == "to stdout\n"
    assert "".join(f.get("err", "") for f in frames if f) == "to stderr\n"


def test_another_thread_meanwhile_writes_to_the_process(remote: Remote) -> None:
    own = io.StringIO()
    out = RoutedOutput("out", own)
    with running(remote):
        other = threading.Thread(target=lambda: click.echo("server log", file=out))
        other.start()
        other.join()
    assert own.getvalue() == "server log\n"


def test_a_line_of_input_is_asked_of_the_client(remote: Remote, pair: Pair) -> None:
    def client() -> None:
        assert protocol.receive(pair[1]) == {"ask": "line"}
        protocol.send(pair[1], {"answer": "y\n"})

    answering = threading.Thread(target=client)
    answering.start()
    stdin = RoutedInput(io.StringIO("not this\n"))
    with running(remote):
        assert stdin.isatty()
        assert stdin.readline() == "y\n"
    answering.join()


def test_a_client_gone_is_the_end_of_input(remote: Remote, pair: Pair) -> None:
    pair[1].close()
    with running(remote):
        assert RoutedInput(io.StringIO("not this\n")).readline() == ""
        click.echo("dropped", file=RoutedOutput("out", io.StringIO()))
    assert remote.channel.gone
