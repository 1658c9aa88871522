"""The vendor API (``/api/v1``): JSON over the services, behind the resource protector.

Every read asks ``policies.access`` whether the caller's grant reaches the record;
a record outside the grant is answered exactly like a record that does not exist.
"""

from __future__ import annotations

from flask import Flask

from pds.api import purchases


def register_api(app: Flask) -> None:
    app.register_blueprint(purchases.bp)
