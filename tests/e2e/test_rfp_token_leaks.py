"""Acceptance (issue 14.6) against the real server: one vendor holds both kinds of
token, an OIDC grant's (the owner pressed Allow) and a client-credentials one for RFP
work. Everything it receives through the RFP token, every status line, header and
body, is searched for what would tie that work to the grant or name the owner: the
pairwise ``sub``, the grant's id, the grant's tokens and their ids, the owner's
claims, the store's id. None is there; ``/api/v1/me`` and UserInfo refuse the token.

(``tests/api/test_rfp_token_reach.py`` walks every route in-process with the token.)
"""

from __future__ import annotations

from pathlib import Path

import requests

from pds.services import Services
from pds.services.collections import SPECS
from pds.services.identity.tokens import token_hash
from pds.store import Store
from tests.conftest import PASSPHRASE
from tests.e2e.processes import Running
from tests.e2e.test_oauth_flow import CALLBACK, owner_allows
from tests.e2e.test_rfp_flow import log_in
from tests.e2e.test_rfp_leaks import Recorder, identifiers, leaks, publish
from vendors.sdk import MemoryTokenStore, PDSClient, RfpClient, TokenSet

SCOPE = (
    "openid profile email phone address offline_access "
    "purchases:read preferences:read relationship:read"
)


def rfp_work(rfp: RfpClient, http: Recorder, base: str, pseudonym: str) -> None:
    """What the vendor does with its RFP token: the RFP calls, and every call that would
    speak of the owner (each response is recorded)."""
    rfp.open_rfps()
    rfp.rfp(pseudonym)
    offer = rfp.submit_offer(pseudonym, price="99.00", currency="EUR", delivery_date="2030-01-10")
    rfp.ask(offer.id, "Is a silver one all right?")
    rfp.offers()
    rfp.offer(offer.id)
    token = rfp.credentials.get().access_token
    bearer = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/me", "/oauth/userinfo"):
        refused = http.get(base + path, headers=bearer)
        assert refused.status_code == 403, (path, refused.text)
        assert "sub" not in refused.json()
    for path in ("/api/v1/purchases", "/api/v1/preferences", "/api/v1/relationship"):
        assert http.get(base + path, headers=bearer).status_code == 403
    http.post(base + "/oauth/userinfo", headers=bearer)
    http.get(base + "/api/v1/offers/unknown", headers=bearer)
    credentials = (str(rfp.client_id), str(rfp.client_secret))
    introspected = http.post(base + "/oauth/introspect", data={"token": token}, auth=credentials)
    assert introspected.json()["active"] is True


def grant_secrets(home: Path, client_id: str, tokens: TokenSet) -> dict[str, str]:
    """The vendor's OIDC grant: its id, its tokens and their ids (as the store keeps them)."""
    store = Store.open(home, PASSPHRASE, specs=SPECS)
    try:
        grants = Services(store).grants.list(client_id=client_id)
        [grant] = [g for g in grants if g.get("kind") != "client"]
    finally:
        store.close()
    return {
        "grant id": grant["id"],
        "access token": tokens.access_token,
        "access token id": token_hash(tokens.access_token),
        "refresh token": str(tokens.refresh_token),
        "refresh token id": token_hash(str(tokens.refresh_token)),
        "id token": str(tokens.id_token),
    }


def test_the_rfp_token_of_a_vendor_with_a_grant_tells_nothing_of_it(
    store: Running, home: Path
) -> None:
    base = store.url
    browser = requests.Session()
    log_in(browser, base)
    rfp_id, pseudonym = publish(browser, base, "electronics")

    vendor = PDSClient(base, token_store=MemoryTokenStore())
    vendor.register("Both Kinds Shop", [CALLBACK], client_credentials=True)
    request = vendor.authorization_url(SCOPE)
    _, callback = owner_allows(request.url)
    tokens = vendor.finish_authorization(callback, request)
    me = vendor.me()
    assert me.sub == tokens.subject and me.name  # the grant's side knows the owner

    http = Recorder()
    rfp = RfpClient(
        base, client_id=vendor.client_id, client_secret=vendor.client_secret, session=http
    )
    rfp_work(rfp, http, base, pseudonym)
    vocabulary = requests.get(base + "/.well-known/openid-configuration", timeout=5).text
    store.stop()

    secrets = identifiers(home, [rfp_id], [str(vendor.client_id)], vocabulary)
    secrets.update(grant_secrets(home, str(vendor.client_id), tokens))
    assert secrets[f"sub of {vendor.client_id}"] == me.sub
    assert len(http.received) > 10
    assert leaks(http.received, secrets) == []
