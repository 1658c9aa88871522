"""The grant types the store offers, and where they are stricter than Authlib's.

- Authorization code with PKCE, S256 only: every client must send an S256
  challenge (Authlib's ``CodeChallenge`` accepts none, or ``plain``).
- The redirect URI is required and matched exactly.
- ``prompt`` is honoured on every authorization request, OpenID or not (Authlib's
  own prompt check, which it runs for ``openid`` requests only); request objects
  (``request``, ``request_uri``) are refused with the OpenID Connect errors.
- A code is consumed atomically under the store's writer lock before any token
  is issued; a replayed code revokes the grant it created (and so every token).
- Refresh tokens rotate; a used one presented again revokes the whole grant.
- Client credentials (a vendor answering the owner's RFPs): confidential clients
  registered for it only, scope ``rfp:respond`` only, under the client's standing
  grant; no refresh token, no ID token; none for a vendor awaiting the owner's approval
  (when the owner asks for it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from authlib.oauth2.rfc6749 import (
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    UnauthorizedClientError,
    grants,
)
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.errors import (
    RegistrationNotSupportedError,
    RequestNotSupportedError,
    RequestURINotSupportedError,
)
from authlib.oidc.core.grants.util import validate_request_prompt

from pds.auth.models import AuthorizationCode, Client, Owner, Token
from pds.services.identity.grants import CLIENT_SCOPES

if TYPE_CHECKING:
    from pds.auth.server import Server

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]  # Authlib wants lists
SECRET_METHODS = ["client_secret_basic", "client_secret_post"]
#: OpenID Connect parameters the store does not support, and the error each gets.
UNSUPPORTED_PARAMETERS = {
    "request": RequestNotSupportedError,
    "request_uri": RequestURINotSupportedError,
    "registration": RegistrationNotSupportedError,
}


def _server(grant: Any) -> Server:
    return grant.server  # type: ignore[no-any-return]


class S256Challenge(CodeChallenge):
    """PKCE for every client, S256 only: no challenge and ``plain`` are both refused."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012 (Authlib's attribute)

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send a code_challenge (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256; plain is not accepted.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier' (PKCE is required).")
        super().validate_code_verifier(grant, result)


def refuse_unsupported_parameters(grant: Any, redirect_uri: str | None) -> None:
    """A request object (or ``registration``) is refused, not ignored: its claims could
    differ from the query's (OIDC Core 6.1, 6.2). Authlib calls this hook with the
    checked ``redirect_uri`` and attaches it to the error, which so goes back there."""
    data = grant.request.payload.data
    for name, error in UNSUPPORTED_PARAMETERS.items():
        if name in data:
            raise error(f"This server does not support the '{name}' parameter.")


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def __init__(self, request: Any, server: Any) -> None:
        super().__init__(request, server)
        # Authlib's hooks: the first runs once client and redirect URI are checked (its
        # errors carry that redirect URI), the second once the whole request is valid.
        self.register_hook(
            "before_validate_authorization_request_payload", refuse_unsupported_parameters
        )
        self.register_hook("after_validate_consent_request", validate_request_prompt)

    @staticmethod
    def validate_authorization_redirect_uri(request: Any, client: Any) -> str:
        uri = request.payload.redirect_uri
        if not uri:
            raise InvalidRequestError("Missing 'redirect_uri' in request.")
        if not client.check_redirect_uri(uri):
            raise InvalidRequestError("redirect_uri is not one this client registered.")
        return str(uri)

    def save_authorization_code(self, code: str, request: Any) -> None:
        owner: Owner = request.user
        data = request.payload.data
        _server(self).services.tokens.save_code(
            code,
            client_id=request.client.client_id,
            grant_id=owner.grant["id"],
            redirect_uri=request.payload.redirect_uri,
            scopes=owner.grant["scopes"],
            nonce=data.get("nonce"),
            auth_time=owner.auth_time,
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        services = _server(self).services
        consumed = services.tokens.consume_code(code, client.client_id)
        if consumed.replayed_grant is not None:
            services.grants.revoke(consumed.replayed_grant, actor="system", reason="code_reused")
            raise InvalidGrantError("This code was already used; the tokens it gave are revoked.")
        if consumed.code is None:
            return None
        return AuthorizationCode(consumed.code)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Nothing to do: ``query_authorization_code`` consumed the code already."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Owner | None:
        record = authorization_code.record
        grant = _server(self).services.grants.usable(record["grant_id"])
        return Owner(grant, record.get("auth_time")) if grant else None


class RefreshGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        server = _server(self)
        token = server.find_token(refresh_token, "refresh")
        if token is None:
            return None
        if token.record.get("used_at"):
            self._reused(token)
        return token if token.grant is not None else None

    def _reused(self, token: Token) -> None:
        grant_id = token.record["grant_id"]
        _server(self).services.grants.revoke(grant_id, actor="system", reason="refresh_reused")
        raise InvalidGrantError("This refresh token was already used; the grant is revoked.")

    def authenticate_user(self, refresh_token: Token) -> Owner | None:
        return refresh_token.get_user()

    def create_token_response(self) -> Any:
        # Mark the old token used before issuing (atomic): of two concurrent uses,
        # the second finds it used and revokes the grant.
        token: Token = self.request.refresh_token
        _, reused = _server(self).services.tokens.use_refresh(self.request.form["refresh_token"])
        if reused:
            self._reused(token)
        return super().create_token_response()

    def revoke_old_credential(self, refresh_token: Token) -> None:
        """Nothing more to do: the old token was marked used before the new one was issued."""


class ClientGrant(grants.ClientCredentialsGrant):
    """Client credentials for RFP work: ``rfp:respond`` (the default) and nothing else."""

    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_METHODS

    def validate_requested_scope(self) -> None:
        requested = scope_to_list(self.request.payload.scope) or list(CLIENT_SCOPES)
        if set(requested) != set(CLIENT_SCOPES):
            raise InvalidScopeError(
                f"Client credentials give {' '.join(CLIENT_SCOPES)} only.",
            )

    def validate_token_request(self) -> None:
        """Authlib's checks, then: a vendor the owner has not approved yet gets no token
        while the owner holds RFPs back from new vendors (PDS_RFP_VENDORS_NEED_APPROVAL)."""
        super().validate_token_request()
        client: Client = self.request.client
        if _server(self).services.clients.held_back(client.record):
            raise UnauthorizedClientError(
                "Awaiting the owner's approval: the owner approves new vendors before they "
                "may answer RFPs."
            )

    def create_token_response(self) -> Any:
        client: Client = self.request.client
        grant = _server(self).services.grants.standing_for_client(client.client_id)
        token = self.generate_token(
            user=Owner(grant), scope=" ".join(CLIENT_SCOPES), include_refresh_token=False
        )
        return 200, token, self.TOKEN_RESPONSE_HEADER
