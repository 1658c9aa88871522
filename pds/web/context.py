"""How views reach the services built by ``create_app``: one accessor, never constructors."""

from __future__ import annotations

from flask import current_app

from pds.services import Services


def services() -> Services:
    return current_app.extensions["pds"]
