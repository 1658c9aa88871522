"""The owner's portal: sign-in, sign-out and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from pds.web.context import services

bp = Blueprint("portal", __name__)


def owner_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not session.get("owner"):
            return redirect(url_for("portal.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    error = None
    if request.method == "POST":
        if services().credentials.verify_password(request.form.get("password", "")):
            session.clear()
            session["owner"] = True
            target = request.args.get("next", "")
            return redirect(
                target if target.startswith("/") and not target.startswith("//") else "/"
            )
        error = "That password is not right."
    return render_template("login.html", error=error), (401 if error else 200)


@bp.post("/logout")
def logout() -> Response:
    session.clear()
    return redirect(url_for("portal.login"))


@bp.get("/")
@owner_required
def dashboard() -> str:
    return render_template(
        "dashboard.html", counts=services().counts(), stats=services().store_facts()
    )
