"""``/healthz`` (liveness) and ``/readyz`` (readiness). Neither says anything about the data.

- ``/healthz``: the process answers HTTP. It touches nothing else (no store, no
  lock), so a slow store cannot make a supervisor restart a healthy process.
- ``/readyz``: the store is open, the background workers that should run do, and,
  when backups are scheduled, the last one is recent enough. 200 when all holds,
  else 503; either way the JSON body says what was checked and what is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, jsonify

from pds.runtime.current import runtime
from pds.version import __version__

bp = Blueprint("health", __name__)


def _answer(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    return _answer({"status": "ok", "version": __version__}, 200)


@bp.get("/readyz")
def readyz() -> Response:
    current = runtime()
    now = dt.datetime.now(dt.UTC)
    problems = [] if current.services.unlocked else ["the store is not open"]
    problems += current.workers.problems(now)
    body: dict[str, Any] = {
        "status": "ready" if not problems else "unavailable",
        "store": "open" if current.services.unlocked else "closed",
        "problems": problems,
        "version": __version__,
    }
    backups = current.workers.backups
    if backups is not None:
        status = backups.status()
        age = status.age_seconds(now)
        body["backup"] = {
            "last_at": status.last_at.isoformat(timespec="seconds") if status.last_at else None,
            "age_seconds": int(age) if age is not None else None,
            "every_seconds": status.every_seconds,
            "last_error": status.last_error or None,
        }
    return _answer(body, 200 if not problems else 503)
