"""The control socket: every ``pds`` command while ``pds serve`` runs.

``pds serve`` listens on ``control.sock`` in the store directory (``server``); a command
that finds a server answering there sends it its arguments (``client``), and the server
runs the same click command in-process over its open runtime (``session``), its
standard streams routed back to the client as they are written (``routing``). Frames
are length-prefixed JSON (``protocol``); only the server's own OS user gets in
(``peer``: SO_PEERCRED).
"""

from pds.cli.control.address import SOCKET_NAME
from pds.cli.control.session import Remote, remote

__all__ = ["SOCKET_NAME", "Remote", "remote"]
