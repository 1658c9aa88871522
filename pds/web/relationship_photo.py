"""A relationship's photo in the portal: served to the owner only, uploaded and removed
from the record page (``_relationship_photo.html``).

The image is served with its checked type, never cached (``private, no-store``), never
sniffed as something else (``nosniff``) and under a policy that runs nothing
(``default-src 'none'; sandbox``), so even a crafted file cannot act as a page.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from pds.errors import NotFound, ValidationFailed
from pds.i18n import gettext
from pds.schemas.photo import MAX_PHOTO_BYTES
from pds.web.context import services
from pds.web.guard import portal_blueprint
from pds.web.relationships import record_page

bp = portal_blueprint("relationship_photo", __name__)

#: The photo's own policy: no script, no style, no frame, nothing fetched; a sandbox.
PHOTO_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"


@bp.app_context_processor
def photo_helpers() -> dict[str, object]:
    """``has_photo(record_id)`` for the record page's include."""
    return {"has_photo": lambda record_id: services().photos.has_photo(record_id)}


@bp.get("/relationships/<record_id>/photo")
def photo(record_id: str) -> Response:
    record = services().relationships.get(record_id)
    found = services().photos.photo_of(record["id"])
    if found is None:
        raise NotFound(
            gettext("%(name)s has no photo", name=record["name"]), {"photo": record["id"]}
        )
    response = Response(found.data, mimetype=found.media_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = PHOTO_POLICY
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.post("/relationships/<record_id>/photo")
def upload(record_id: str) -> str | Response | tuple[str, int]:
    record = services().relationships.get(record_id)
    sent = request.files.get("photo")
    try:
        if sent is None or not sent.filename:
            raise ValidationFailed("no file", {"photo": [gettext("Choose an image file.")]})
        data = sent.stream.read(MAX_PHOTO_BYTES + 1)
        services().photos.set(record["id"], data)
    except ValidationFailed as exc:
        return record_page(record["id"], exc.details), 422
    flash(gettext("Photo of %(name)s saved.", name=record["name"]))
    return redirect(url_for("relationships.show", record_id=record["id"]), code=303)


@bp.post("/relationships/<record_id>/photo/remove")
def remove(record_id: str) -> Response:
    record = services().relationships.get(record_id)
    removed = services().photos.remove(record["id"])
    name = record["name"]
    flash(
        gettext("Photo of %(name)s removed.", name=name)
        if removed
        else gettext("%(name)s had no photo.", name=name)
    )
    return redirect(url_for("relationships.show", record_id=record["id"]), code=303)
