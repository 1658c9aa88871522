"""The authorization server: Authlib's, wired to the store's clients, grants and tokens.

Built once per app by ``pds.auth.init_auth``; views reach it through
``pds.auth.context.auth()``.
"""

from __future__ import annotations

import re
import time
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749.authenticate_client import authenticate_client_secret_basic
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import OpenIDCode
from authlib.oidc.core.grants.util import create_half_hash
from werkzeug.datastructures import Authorization

from pds.auth.grants import (
    AUTH_METHODS,
    SECRET_METHODS,
    ClientGrant,
    CodeGrant,
    RefreshGrant,
    S256Challenge,
)
from pds.auth.models import AuthorizationCode, Client, Owner, Token
from pds.services import Services
from pds.services.identity.signing_keys import ID_TOKEN_SECONDS
from pds.services.identity.tokens import ACCESS, REFRESH
from policies.scopes import SUPPORTED

#: RFC 6749 appendix A.3: response-name *( SP response-name ), of ``_``, digits, letters.
RESPONSE_TYPE = re.compile(r"[A-Za-z0-9_]+( [A-Za-z0-9_]+)*")


class Server(AuthorizationServer):
    def __init__(self, services: Services, issuer: str) -> None:
        super().__init__()
        self.services = services
        self.issuer = issuer
        self.scopes_supported = list(SUPPORTED)
        self.register_token_generator("default", self._issue_tokens)
        self.register_grant(CodeGrant, [S256Challenge(required=True), IdTokens(self)])
        self.register_grant(RefreshGrant)
        self.register_grant(ClientGrant)
        self.register_endpoint(Revocation(self))
        self.register_endpoint(Introspection(self))
        self.register_extension(Issuer(issuer))
        self.register_client_auth_method("client_secret_basic", client_secret_basic)

    # -- what Authlib asks of a server --------------------------------------------------

    def query_client(self, client_id: str) -> Client | None:
        record = self.services.clients.find(client_id)
        if record is None:
            return None
        client = Client(record, self.services)
        return client if client.active else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """Nothing to do: ``_issue_tokens`` stored the hashes when it made the tokens."""

    def _issue_tokens(
        self,
        grant_type: str,
        client: Client,
        user: Owner,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        scopes = scope_to_list(scope) or list(user.grant["scopes"])
        refresh = (
            include_refresh_token
            and client.check_grant_type("refresh_token")
            and "offline_access" in user.grant["scopes"]
        )
        return self.services.tokens.issue(
            user.grant, scopes, refresh=refresh, action=f"token.{grant_type}"
        )

    def get_authorization_grant(self, request: Any) -> Any:
        """Authlib's, for a ``response_type`` of the form RFC 6749 allows only: Authlib
        echoes an unsupported one in its error text, which may not hold just any
        character (a line break, a quote, non-ASCII: a ``ValueError``, so a 500)."""
        response_type = request.payload.response_type
        if response_type is not None and not RESPONSE_TYPE.fullmatch(response_type):
            raise InvalidRequestError("response_type is malformed (RFC 6749 appendix A.3).")
        return super().get_authorization_grant(request)

    # -- tokens and claims ----------------------------------------------------------------

    def find_token(self, token: Any, kind: str) -> Token | None:
        """The live token (of ``kind``) the string names, with its grant if still usable."""
        record = self.services.tokens.find(token, kind)
        if record is None:
            return None
        grant = self.services.grants.usable(record["grant_id"])
        return Token(record, grant, self.services.tokens.now())

    def subject(self, client_id: str) -> str:
        return self.services.subjects.for_client(client_id)

    def user_claims(self, client_id: str, scopes: list[str]) -> dict[str, Any]:
        """The owner's OIDC claims this grant releases, with the pairwise ``sub``."""
        return self.services.vendor_view.claims(client_id, scopes)

    def id_token(self, token: dict[str, Any], client: Client, owner: Owner, code: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": client.client_id,
            "azp": client.client_id,
            "iat": now,
            "exp": now + ID_TOKEN_SECONDS,
            "auth_time": owner.auth_time or now,
        }
        if isinstance(code, AuthorizationCode) and code.get_nonce():
            claims["nonce"] = code.get_nonce()
        at_hash = create_half_hash(token["access_token"], "RS256")
        if at_hash is not None:
            claims["at_hash"] = at_hash.decode("ascii")
        claims.update(self.user_claims(client.client_id, scope_to_list(token["scope"])))
        return self.services.signing_keys.sign(claims)


def client_secret_basic(query_client: Any, request: Any) -> Client | None:
    """Authlib's ``client_secret_basic``, for a header that parses as Basic credentials
    only: a malformed one (no credentials after ``Basic``, bad base64, not UTF-8, another
    scheme) authenticates nobody, so the endpoint answers 401 ``invalid_client``."""
    credentials = Authorization.from_header(request.headers.get("Authorization"))
    if credentials is None or credentials.type != "basic" or not credentials.username:
        return None
    return authenticate_client_secret_basic(query_client, request)  # type: ignore[no-any-return]


class Issuer(IssuerParameter):
    """RFC 9207: ``iss`` on every authorization response, errors included."""

    def __init__(self, issuer: str) -> None:
        self._issuer = issuer

    def get_issuer(self) -> str:
        return self._issuer


class IdTokens(OpenIDCode):
    """OpenID Connect on the code flow: ID tokens signed with the store's own keys only
    (a client's registration metadata can never make them ``alg=none``)."""

    def __init__(self, server: Server) -> None:
        super().__init__(require_nonce=False)
        self._server = server

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return self._server.services.tokens.nonce_used(request.payload.client_id, nonce)

    def encode_id_token(self, token: dict[str, Any], request: Any) -> str:
        return self._server.id_token(
            token, request.client, request.user, request.authorization_code
        )


class _TokenLookup:
    server: Server

    def query_token(self, token_string: str, token_type_hint: str | None) -> Token | None:
        kinds = [REFRESH, ACCESS] if token_type_hint == "refresh_token" else [ACCESS, REFRESH]
        for kind in kinds:
            token = self.server.find_token(token_string, kind)
            if token is not None:
                return token
        return None


class Revocation(_TokenLookup, RevocationEndpoint):
    """RFC 7009. Revoking a refresh token revokes its grant (and so every token of it)."""

    CLIENT_AUTH_METHODS = AUTH_METHODS

    def revoke_token(self, token: Token, request: Any) -> None:
        services = self.server.services
        if token.kind == REFRESH:
            services.grants.revoke(
                token.record["grant_id"], actor=f"vendor:{token.client_id}", reason="revoked"
            )
        else:
            services.tokens.delete(token.record["id"], actor=f"vendor:{token.client_id}")


class Introspection(_TokenLookup, IntrospectionEndpoint):
    """RFC 7662, for clients that authenticate with their secret, about their own tokens
    only (a public client's id alone proves nothing)."""

    CLIENT_AUTH_METHODS = SECRET_METHODS

    def check_permission(self, token: Token, client: Client, request: Any) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: Token) -> dict[str, Any]:
        """The token's facts; a standing grant's token (RFP work) names no ``sub``: the
        vendor does not know who the owner is."""
        facts = {
            "active": True,
            "client_id": token.client_id,
            "token_type": "Bearer" if token.kind == ACCESS else "refresh_token",
            "scope": token.get_scope(),
            "sub": self.server.subject(token.client_id),
            "aud": token.client_id,
            "iss": self.server.issuer,
            "exp": int(token.expires_at.timestamp()),
            "iat": int(token.issued_at.timestamp()),
        }
        if token.standing:
            del facts["sub"]
        return facts
