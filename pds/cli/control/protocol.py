"""Frames on the control socket: a 4-byte big-endian length, then one JSON object.

The client sends ``{"run": ...}`` once, then answers the server's questions
(``{"answer": text}``); the server sends ``{"out": text}``, ``{"err": text}``,
``{"ask": "line"}`` or ``{"ask": "secret", "label": ...}``, and ``{"exit": code}`` last.
"""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 1 << 20  # a request, a line of output, an answer: far below this


class ProtocolError(Exception):
    """The other end sent something that is not a frame of this protocol."""


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    body = json.dumps(message, ensure_ascii=False).encode()
    if len(body) > MAX_FRAME:
        raise ProtocolError(f"frame of {len(body)} bytes is over {MAX_FRAME}")
    sock.sendall(HEADER.pack(len(body)) + body)


def receive(sock: socket.socket) -> dict[str, Any] | None:
    """The next frame, or ``None`` when the other end closed the connection."""
    header = _exactly(sock, HEADER.size)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    if length > MAX_FRAME:
        raise ProtocolError(f"frame of {length} bytes is over {MAX_FRAME}")
    body = _exactly(sock, length)
    if body is None:
        raise ProtocolError("connection closed inside a frame")
    try:
        message = json.loads(body)
    except ValueError as error:
        raise ProtocolError(f"not JSON: {error}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a frame is a JSON object")
    return message


def _exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks: list[bytes] = []
    missing = size
    while missing:
        chunk = sock.recv(missing)
        if not chunk:
            if chunks:
                raise ProtocolError("connection closed inside a frame")
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)
