"""The authorization request and the checks on the callback, against the real app."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from flask.testing import FlaskClient

from pds.services import Services
from tests.vendors.conftest import REDIRECT_URI, owner_answers
from tests.vendors.flask_transport import FlaskTransport
from vendors.sdk import AuthorizationFailed, NotAuthorized, PDSClient

SCOPE = "openid profile offline_access purchases:read"


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def with_params(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return urlunsplit(parts._replace(query=urlencode(params)))


def token_requests(transport: FlaskTransport) -> int:
    return sum(1 for r in transport.sent if urlsplit(r.url or "").path == "/oauth/token")


def test_the_authorization_url_asks_for_code_with_pkce_s256_and_state(sdk: PDSClient) -> None:
    request = sdk.authorization_url(SCOPE)
    params = {k: v[0] for k, v in query(request.url).items()}
    assert request.url.startswith(sdk.metadata.authorization_endpoint + "?")
    assert params["response_type"] == "code"
    assert params["client_id"] == sdk.client_id
    assert params["redirect_uri"] == REDIRECT_URI == request.redirect_uri
    assert params["scope"] == SCOPE and request.scope == tuple(SCOPE.split())
    assert params["state"] == request.state and len(request.state) >= 32
    digest = hashlib.sha256(request.code_verifier.encode("ascii")).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert params["code_challenge_method"] == "S256"
    assert 43 <= len(request.code_verifier) <= 128
    assert request.code_verifier not in request.url and request.code_verifier not in repr(request)
    assert params["nonce"] == request.nonce


def test_each_request_has_its_own_state_verifier_and_nonce(sdk: PDSClient) -> None:
    first, second = sdk.authorization_url(SCOPE), sdk.authorization_url(SCOPE)
    assert first.state != second.state
    assert first.code_verifier != second.code_verifier
    assert first.nonce != second.nonce


def test_a_nonce_is_sent_only_with_openid_unless_given(sdk: PDSClient) -> None:
    assert "nonce" not in query(sdk.authorization_url("purchases:read").url)
    assert query(sdk.authorization_url("openid", nonce="n-1").url)["nonce"] == ["n-1"]


def test_finishing_keeps_tokens_with_the_verified_subject(
    sdk: PDSClient, owner: FlaskClient, services: Services
) -> None:
    request = sdk.authorization_url(SCOPE)
    tokens = sdk.finish_authorization(owner_answers(owner, request), request)
    assert sdk.tokens == tokens
    assert tokens.refresh_token and tokens.access_token and tokens.id_token
    assert tokens.scope == tuple(SCOPE.split())
    assert tokens.subject == services.subjects.for_client(str(sdk.client_id))
    assert not tokens.expired()
    assert tokens.access_token not in repr(tokens)


def test_a_callback_with_another_state_is_refused_before_the_code_is_used(
    sdk: PDSClient, owner: FlaskClient, transport: FlaskTransport
) -> None:
    request = sdk.authorization_url(SCOPE)
    callback = owner_answers(owner, request)
    with pytest.raises(AuthorizationFailed) as caught:
        sdk.finish_authorization(with_params(callback, state="forged"), request)
    assert caught.value.code == "state_mismatch"
    with pytest.raises(AuthorizationFailed):
        sdk.finish_authorization(callback, replace(request, state="another-request"))
    assert token_requests(transport) == 0 and sdk.tokens is None


@pytest.mark.parametrize("iss", ["http://evil.test", None])
def test_a_callback_from_another_issuer_or_none_is_refused_as_a_mix_up(
    sdk: PDSClient, owner: FlaskClient, transport: FlaskTransport, iss: str | None
) -> None:
    request = sdk.authorization_url(SCOPE)
    callback = owner_answers(owner, request)
    with pytest.raises(AuthorizationFailed) as caught:
        sdk.finish_authorization(with_params(callback, iss=iss), request)
    assert caught.value.code == "issuer_mismatch"
    assert token_requests(transport) == 0 and sdk.tokens is None


def test_a_callback_with_repeated_parameters_is_refused(sdk: PDSClient, owner: FlaskClient) -> None:
    request = sdk.authorization_url(SCOPE)
    callback = owner_answers(owner, request)
    with pytest.raises(AuthorizationFailed) as caught:
        sdk.finish_authorization(callback + "&code=injected", request)
    assert caught.value.code == "invalid_callback"


def test_the_owners_refusal_arrives_as_access_denied(sdk: PDSClient, owner: FlaskClient) -> None:
    request = sdk.authorization_url(SCOPE)
    callback = owner_answers(owner, request, decision="deny")
    with pytest.raises(AuthorizationFailed) as caught:
        sdk.finish_authorization(callback, request)
    assert caught.value.code == "access_denied"
    assert sdk.tokens is None


def test_a_replayed_code_is_an_invalid_grant_from_the_token_endpoint(
    sdk: PDSClient, owner: FlaskClient
) -> None:
    request = sdk.authorization_url(SCOPE)
    callback = owner_answers(owner, request)
    sdk.finish_authorization(callback, request)
    with pytest.raises(NotAuthorized) as caught:
        sdk.finish_authorization(callback, request)
    assert caught.value.status == 400
    assert caught.value.code == "invalid_grant"
    assert "already used" in caught.value.detail


def test_an_id_token_with_another_nonce_is_refused_and_its_grant_given_back(
    sdk: PDSClient, owner: FlaskClient, services: Services
) -> None:
    request = sdk.authorization_url(SCOPE)
    callback = owner_answers(owner, request)
    with pytest.raises(AuthorizationFailed) as caught:
        sdk.finish_authorization(callback, replace(request, nonce="not-the-one-sent"))
    assert caught.value.code == "invalid_id_token"
    assert "nonce" in caught.value.detail
    assert sdk.tokens is None
    (grant,) = services.grants.list(client_id=sdk.client_id)
    assert grant["status"] == "revoked"


def test_an_id_token_for_another_client_is_refused(sdk: PDSClient, owner: FlaskClient) -> None:
    """The same code exchanged by this client, but checked as if it were another one."""
    request = sdk.authorization_url(SCOPE)
    callback = owner_answers(owner, request)
    verifier = sdk._verifier()
    tokens = sdk.finish_authorization(callback, request)
    assert tokens.id_token is not None
    with pytest.raises(AuthorizationFailed) as caught:
        verifier.verify(tokens.id_token, client_id="someone-else", nonce=None, access_token=None)
    assert caught.value.code == "invalid_id_token" and "aud" in caught.value.detail
    with pytest.raises(AuthorizationFailed) as caught:
        verifier.verify(
            tokens.id_token[:-4] + "AAAA",
            client_id=str(sdk.client_id),
            nonce=None,
            access_token=None,
        )
    assert "signature" in caught.value.detail
    with pytest.raises(AuthorizationFailed) as caught:
        verifier.verify(
            tokens.id_token,
            client_id=str(sdk.client_id),
            nonce=request.nonce,
            access_token="another access token",
        )
    assert "at_hash" in caught.value.detail
