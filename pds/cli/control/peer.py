"""Who is at the other end of a Unix socket, as the kernel says (SO_PEERCRED)."""

from __future__ import annotations

import os
import socket
import struct
from dataclasses import dataclass

CREDENTIALS = struct.Struct("3i")  # struct ucred: pid, uid, gid


@dataclass(frozen=True)
class Peer:
    pid: int
    uid: int
    gid: int

    @property
    def is_me(self) -> bool:
        """The same OS user as this process (root is no exception)."""
        return self.uid == os.getuid()


def peer_of(connection: socket.socket) -> Peer:
    raw = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, CREDENTIALS.size)
    pid, uid, gid = CREDENTIALS.unpack(raw)
    return Peer(pid, uid, gid)
