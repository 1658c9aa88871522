"""Authlib's OAuth client for one vendor, over the caller's ``requests`` transport.

Every token request (code exchange, refresh, client credentials) goes through
``oauth_session``: the same adapters, TLS settings and proxies as the API calls,
and a token endpoint error becomes the SDK's ``NotAuthorized`` with its OAuth code.
"""

from __future__ import annotations

import requests
from authlib.integrations.requests_client import OAuth2Session

from vendors.sdk.errors import NotAuthorized, RateLimited, ServerError, error_from_response


def oauth_session(
    http: requests.Session,
    *,
    client_id: str,
    client_secret: str | None,
    timeout: float,
    redirect_uri: str | None = None,
    auth_method: str | None = None,
) -> OAuth2Session:
    """Authlib's client for ``client_id``, sending through ``http``'s adapters."""
    extra = {"token_endpoint_auth_method": auth_method} if auth_method else {}
    oauth = OAuth2Session(
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=timeout,
        **extra,
    )
    for prefix, adapter in http.adapters.items():
        oauth.mount(prefix, adapter)
    oauth.verify, oauth.cert = http.verify, http.cert
    oauth.proxies, oauth.trust_env = http.proxies, http.trust_env
    oauth.register_compliance_hook("access_token_response", refuse_token_error)
    oauth.register_compliance_hook("refresh_token_response", refuse_token_error)
    return oauth


def refuse_token_error(response: requests.Response) -> requests.Response:
    """Authlib hook: a token endpoint error becomes ``NotAuthorized`` with its OAuth code."""
    if response.status_code < 400:
        return response
    error = error_from_response(response)
    if isinstance(error, ServerError | RateLimited):
        raise error
    raise NotAuthorized(error.status, error.code, error.detail)
