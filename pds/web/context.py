"""How views reach the services built by ``create_app``: one accessor, never constructors."""

from __future__ import annotations

from pds.runtime.current import runtime
from pds.services import Services


def services() -> Services:
    return runtime().services
