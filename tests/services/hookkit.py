"""Webhook receivers on loopback for the outbound tests, and a resolver the tests script.

``Receiver`` is a real HTTP(S) endpoint that keeps what it received and counts every
connection made to it; ``Names`` answers host names a test invents (no DNS knows them),
one scripted answer per lookup, so a name can change its answer between two lookups
as DNS rebinding would.
"""

from __future__ import annotations

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pds.services.outbound import system_resolver

PUBLIC = "93.184.215.14"  # a global unicast address; nothing in the tests connects to it


class CountingServer(ThreadingHTTPServer):
    """An HTTP server that counts the connections it accepted (requests or not)."""

    connections = 0

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections += 1
        return True


class Receiver:
    """A webhook endpoint: answers each post with the next scripted status (then 200),
    after ``delay`` seconds, and keeps what it received; over TLS with ``tls`` (a server
    context). ``connections`` counts every connection made to it."""

    def __init__(
        self,
        statuses: tuple[int, ...] = (),
        delay: float = 0.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.statuses = list(statuses)
        self.delay = delay
        self.received: list[dict[str, Any]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                receiver.arrived.set()
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = CountingServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/hooks/pds"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def connections(self) -> int:
        return self.server.connections

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


class Names:
    """A resolver that answers invented names from ``script``, one answer per lookup (the
    last one repeats), and other names as the system does; ``lookups`` lists the names."""

    def __init__(self, script: dict[str, list[list[str]]]) -> None:
        self.script = script
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        answers = self.script.get(host)
        if answers is None:
            return system_resolver(host, port)
        return answers.pop(0) if len(answers) > 1 else answers[0]
