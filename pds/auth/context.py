"""How HTTP views reach the authorization server built by ``init_auth``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pds.runtime.current import runtime
from pds.services import Services

if TYPE_CHECKING:  # the protector asks for ``auth()``: no import at run time
    from pds.auth.protector import Protector
    from pds.auth.server import Server


@dataclass(frozen=True)
class Auth:
    server: Server
    protector: Protector

    @property
    def services(self) -> Services:
        return self.server.services


def auth() -> Auth:
    """The current app's authorization server and resource protector."""
    return runtime().attached(Auth)
