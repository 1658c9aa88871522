"""Frames of the control socket over a real socket pair."""

from __future__ import annotations

import socket

import pytest

from pds.cli.control import protocol

Pair = tuple[socket.socket, socket.socket]


def test_a_frame_arrives_whole_and_unicode_intact(pair: Pair) -> None:
    message = {"out": "Zoë — 1,037 interactions\n", "n": [1, 2]}
    protocol.send(pair[0], message)
    assert protocol.receive(pair[1]) == message


def test_the_end_of_the_connection_is_none(pair: Pair) -> None:
    pair[0].close()
    assert protocol.receive(pair[1]) is None


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (protocol.HEADER.pack(protocol.MAX_FRAME + 1), "over"),
        (protocol.HEADER.pack(10) + b"{}", "inside a frame"),
        (protocol.HEADER.pack(3) + b"abc", "not JSON"),
        (protocol.HEADER.pack(2) + b"[]", "JSON object"),
        (b"\x00\x00", "inside a frame"),
    ],
)
def test_what_is_not_a_frame_is_refused(pair: Pair, raw: bytes, why: str) -> None:
    pair[0].sendall(raw)
    pair[0].shutdown(socket.SHUT_WR)
    with pytest.raises(protocol.ProtocolError, match=why):
        protocol.receive(pair[1])


def test_an_oversized_frame_is_not_sent(pair: Pair) -> None:
    with pytest.raises(protocol.ProtocolError, match="over"):
        protocol.send(pair[0], {"out": "x" * protocol.MAX_FRAME})
