"""The archive download: the owner takes everything out as one zip, streamed as it is made.

A POST (with the portal's CSRF token) starts it, so another site cannot make the
browser fetch it. ``passphrase`` (optional) encrypts the archive; ``include_secrets``
needs it; ``sqlite`` adds ``pds.sqlite``. The page lists every collection the archive
will hold with its count, and what it leaves out and why. The bytes go out as the
exporter writes them, on a thread the runtime owns (``pds.runtime.exports``): nothing
is written to disk.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, render_template, request, stream_with_context

from pds.errors import ValidationFailed
from pds.i18n import gettext
from pds.runtime.current import runtime
from pds.services.archive import ExportOptions
from pds.web.context import services
from pds.web.guard import portal_blueprint

bp = portal_blueprint("archive", __name__)


@bp.get("/archive")
def page() -> str:
    """What the archive holds and the form that downloads it."""
    return _page({})


def _page(errors: dict[str, list[str]]) -> str:
    contents = services().archive.contents()
    return render_template("archive.html", contents=contents, errors=errors)


@bp.post("/archive/export")
def export() -> Response | tuple[str, int]:
    passphrase = request.form.get("passphrase") or None
    options = ExportOptions(
        passphrase,
        include_secrets=request.form.get("include_secrets") == "on",
        sqlite=request.form.get("sqlite") == "on",
    )
    try:
        chunks = runtime().workers.exports.stream(options)  # checks the options first
    except ValidationFailed:
        if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
            raise
        errors = {
            "passphrase": [gettext("Secrets go only into an encrypted archive: give a passphrase.")]
        }
        return _page(errors), 422
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = f"pds-archive-{stamp}.zip" + (".enc" if passphrase else "")
    return Response(
        stream_with_context(chunks),
        mimetype="application/octet-stream" if passphrase else "application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
