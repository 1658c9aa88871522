"""pds: a personal data store for Vendor Relationship Management."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pds.version import __version__

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None, **kwargs: Any) -> Flask:
    """Build the Flask app (see ``pds.app.create_app``)."""
    from pds.app import create_app as factory

    return factory(config, **kwargs)


__all__ = ["__version__", "create_app"]
