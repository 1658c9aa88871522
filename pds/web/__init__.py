"""The owner's web portal and the server's plain HTTP endpoints."""

from __future__ import annotations

import secrets

from pds.web import (
    access,
    archive,
    consent,
    contact_log,
    health,
    insights,
    portal,
    preferences,
    purchase_import,
    purchases,
    relationship_merge,
    relationship_photo,
    relationship_tend,
    relationships,
    reminders,
    rfps,
    security,
    terms,
)
from pds.web import settings as settings_pages
from pds.web.csrf import register_csrf
from pds.web.errors import register_error_handlers
from pds.web.flask_app import PdsFlask
from pds.web.headers import add_security_headers
from pds.web.i18n import register_i18n
from pds.web.proxies import TrustedProxies
from pds.web.request_log import register_request_log
from pds.web.sessions import ServerSessions
from pds.web.wording_filters import register_wording


def register_web(app: PdsFlask) -> None:
    app.secret_key = secrets.token_bytes(32)  # signs nothing lasting: a restart forgets it
    settings = app.config["PDS_SETTINGS"]
    app.session_interface = ServerSessions.for_settings(settings)
    register_request_log(app)
    if settings.trusted_proxies:
        app.front = TrustedProxies(app.wsgi_app, settings.trusted_proxies)
    register_error_handlers(app)
    register_csrf(app)
    register_wording(app)
    register_i18n(app)
    app.after_request(add_security_headers)
    app.register_blueprint(health.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(security.bp)
    app.register_blueprint(terms.bp)
    app.register_blueprint(consent.bp)
    app.register_blueprint(access.bp)
    app.register_blueprint(archive.bp)
    app.register_blueprint(rfps.bp)
    app.register_blueprint(relationships.bp)
    app.register_blueprint(relationship_merge.bp)
    app.register_blueprint(relationship_tend.bp)
    app.register_blueprint(contact_log.bp)
    app.register_blueprint(relationship_photo.bp)
    app.register_blueprint(reminders.bp)
    app.register_blueprint(insights.bp)
    app.register_blueprint(purchases.bp)
    app.register_blueprint(purchase_import.bp)
    app.register_blueprint(preferences.bp)
    app.register_blueprint(settings_pages.bp)
