"""The archive download: the owner takes everything out as one zip, streamed as it is made.

A POST (with the portal's CSRF token) starts it, so another site cannot make the
browser fetch it. ``passphrase`` (optional) encrypts the archive; ``include_secrets``
needs it. The bytes go out as the exporter writes them: nothing is written to disk.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Response, render_template, request, stream_with_context

from pds.errors import ValidationFailed
from pds.services.archive import ExportOptions
from pds.web.context import services
from pds.web.guard import portal_blueprint

bp = portal_blueprint("archive", __name__)


class _Chunks(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken away as they come (written
    by the exporter's writer thread, taken by the response)."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []
        self._written = 0
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        with self._lock:
            self._parts.append(bytes(data))
            self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def take(self) -> bytes:
        with self._lock:
            data = b"".join(self._parts)
            self._parts.clear()
        return data


@bp.get("/archive")
def page() -> str:
    """What the archive holds and the form that downloads it."""
    return render_template("archive.html", counts=services().counts(), errors={})


@bp.post("/archive/export")
def export() -> Response | tuple[str, int]:
    passphrase = request.form.get("passphrase") or None
    options = ExportOptions(passphrase, request.form.get("include_secrets") == "on")
    sink = _Chunks()
    try:
        exporter = services().archive.exporter(sink, options)  # checks the options first
    except ValidationFailed:
        if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
            raise
        errors = {"passphrase": ["Secrets go only into an encrypted archive: give a passphrase."]}
        html = render_template("archive.html", counts=services().counts(), errors=errors)
        return html, 422
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = f"pds-archive-{stamp}.zip" + (".enc" if passphrase else "")

    def body() -> Iterator[bytes]:
        for _ in exporter.steps():
            data = sink.take()
            if data:
                yield data
        yield sink.take()

    return Response(
        stream_with_context(body()),
        mimetype="application/octet-stream" if passphrase else "application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
