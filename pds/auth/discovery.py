"""What the server says about itself (RFC 8414, OpenID Connect Discovery): only the truth.

Every endpoint listed exists, every capability listed is enforced, and what is not
offered (implicit, password, ``plain`` PKCE, unsigned ID tokens, request objects,
introspection without a client secret) is not listed. ``claims_supported`` names only
claims the owner's profile can hold, not every claim a scope could release.
"""

from __future__ import annotations

from typing import Any

from pds.auth.grants import AUTH_METHODS, SECRET_METHODS
from pds.schemas.client import GRANT_TYPES, RESPONSE_TYPES
from pds.schemas.profile import PROFILE_CLAIMS
from pds.services.identity.signing_keys import ALGORITHMS
from policies.scopes import SUPPORTED, claims_for

#: Endpoint paths, relative to the issuer URL.
PATHS = {
    "authorization_endpoint": "/oauth/authorize",
    "token_endpoint": "/oauth/token",
    "registration_endpoint": "/oauth/register",
    "revocation_endpoint": "/oauth/revoke",
    "introspection_endpoint": "/oauth/introspect",
    "userinfo_endpoint": "/oauth/userinfo",
    "jwks_uri": "/jwks.json",
}


def server_metadata(issuer: str) -> dict[str, Any]:
    """The metadata document, served at both well-known addresses."""
    endpoints = {name: issuer + path for name, path in PATHS.items()}
    auth_methods = list(AUTH_METHODS)
    return {
        "issuer": issuer,
        **endpoints,
        "scopes_supported": list(SUPPORTED),
        "response_types_supported": list(RESPONSE_TYPES),
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": list(SECRET_METHODS),
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": list(ALGORITHMS),
        "claims_supported": sorted(
            {
                "sub",
                "iss",
                "aud",
                "azp",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "at_hash",
                *(claims_for(SUPPORTED) & PROFILE_CLAIMS),
            }
        ),
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
    }
