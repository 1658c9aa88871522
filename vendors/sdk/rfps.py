"""``RfpClient``: a vendor's RFP work at one store, under its own client credentials.

No owner's grant is involved: the vendor subscribes to categories (the store then
signs and posts webhooks to it, see ``vendors.sdk.webhooks``), reads the open RFPs
it may see, and makes, updates and withdraws offers, and asks questions on them.
Every call carries a client credentials token for ``rfp:respond``, fetched when
needed and kept until it expires; a refused token is fetched again once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import requests

from vendors.sdk.credentials import RFP_SCOPE, ClientCredentials
from vendors.sdk.discovery import ServerMetadata, discover, normalise
from vendors.sdk.errors import PDSError, ServerError, challenge_error
from vendors.sdk.registration import Registration, grant_types_for, register
from vendors.sdk.rfp_models import LineItemInput, Offer, Rfp, Subscription, offer_body
from vendors.sdk.transport import json_answer, send_bearer

DEFAULT_TIMEOUT = 10.0


class RfpClient:
    """A vendor (a registered client with the ``client_credentials`` grant) at ``store_url``."""

    def __init__(
        self,
        store_url: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        token_endpoint_auth_method: str | None = None,
        metadata: ServerMetadata | None = None,
    ) -> None:
        self.store_url = normalise(store_url)
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout
        self.token_endpoint_auth_method = token_endpoint_auth_method
        self._http = session or requests.Session()
        self._metadata = metadata
        self._credentials: ClientCredentials | None = None
        self._lock = threading.Lock()

    # -- the store, registration and the token -----------------------------------------

    @property
    def metadata(self) -> ServerMetadata:
        with self._lock:
            if self._metadata is None:
                self._metadata = discover(self.store_url, self._http, self.timeout)
            return self._metadata

    def register(
        self, client_name: str, *, redirect_uris: Sequence[str] = (), **metadata: Any
    ) -> Registration:
        """Register for client credentials (RFC 7591): on its own, or with the code flow
        too when ``redirect_uris`` are given. This client then uses the new credentials."""
        metadata.setdefault(
            "grant_types", grant_types_for(code_flow=bool(redirect_uris), client_credentials=True)
        )
        registration = register(
            self._http, self.metadata, client_name, redirect_uris, metadata, self.timeout
        )
        with self._lock:
            self.client_id = registration.client_id
            self.client_secret = registration.client_secret
            self.token_endpoint_auth_method = registration.token_endpoint_auth_method
            self._credentials = None
        return registration

    @property
    def credentials(self) -> ClientCredentials:
        """The token source (fetches a ``rfp:respond`` token, keeps it until it expires)."""
        with self._lock:
            if self._credentials is None:
                if self.client_id is None or self.client_secret is None:
                    raise PDSError(None, "not_registered", "register, or give the client_secret")
                self._credentials = ClientCredentials(
                    self._http,
                    lambda: self.metadata.token_endpoint,
                    client_id=self.client_id,
                    client_secret=self.client_secret,
                    scope=RFP_SCOPE,
                    auth_method=self.token_endpoint_auth_method,
                    timeout=self.timeout,
                )
            return self._credentials

    # -- the subscription ---------------------------------------------------------------

    def subscribe(self, url: str, categories: Iterable[str] = ()) -> Subscription:
        """Have the store post webhooks to ``url`` for RFPs in ``categories`` (none: all).
        A new subscription carries its ``secret`` (keep it); replacing one does not."""
        body = {"url": url, "categories": list(categories)}
        response = self._request("PUT", "/subscription", body=body)
        return Subscription.from_json(json_answer(response, (200, 201)))

    def subscription(self) -> Subscription:
        """The current subscription (without its secret); ``NotFound`` if there is none."""
        return Subscription.from_json(self._call("GET", "/subscription"))

    def unsubscribe(self) -> None:
        self._call("DELETE", "/subscription", expect=204)

    def rotate_secret(self) -> str:
        """A new signing secret; the old one stops working at once."""
        body = self._call("POST", "/subscription/secret")
        secret = body.get("secret") if isinstance(body, Mapping) else None
        if not isinstance(secret, str):
            raise ServerError(None, "unexpected_response", "the answer has no secret")
        return secret

    # -- RFPs and offers ----------------------------------------------------------------

    def open_rfps(self, category: str | None = None) -> list[Rfp]:
        """The open RFPs this vendor may see (public, or chosen for it)."""
        params = {"category": category} if category else None
        return [Rfp.from_json(item) for item in _items(self._call("GET", "/rfps", params=params))]

    def rfp(self, pseudonym: str) -> Rfp:
        """One RFP, with its ``status``; ``NotFound`` when unknown or not for this vendor."""
        return Rfp.from_json(self._call("GET", f"/rfps/{_segment(pseudonym)}"))

    def submit_offer(
        self,
        pseudonym: str,
        *,
        price: Decimal | int | str,
        currency: str,
        delivery_date: date | str,
        line_items: Iterable[LineItemInput] = (),
        conditions: str | None = None,
        valid_until: datetime | str | None = None,
        message: str | None = None,
    ) -> Offer:
        """Make this vendor's offer on the RFP, or update its live one (``created`` says
        which). Refusals: ``InvalidRequest`` (e.g. another currency than the budget's),
        ``Conflict`` (the RFP is not open, its deadline passed), ``NotFound``."""
        body = offer_body(
            price=price,
            currency=currency,
            delivery_date=delivery_date,
            line_items=line_items,
            conditions=conditions,
            valid_until=valid_until,
            message=message,
        )
        response = self._request("PUT", f"/rfps/{_segment(pseudonym)}/offer", body=body)
        answer = json_answer(response, (200, 201))
        return Offer.from_json(answer, created=response.status_code == 201)

    def withdraw_offer(self, offer_id: str) -> Offer:
        return Offer.from_json(self._call("POST", f"/offers/{_segment(offer_id)}/withdraw"))

    def offers(self) -> list[Offer]:
        """This vendor's own offers, in every state."""
        return [Offer.from_json(item) for item in _items(self._call("GET", "/offers"))]

    def offer(self, offer_id: str) -> Offer:
        return Offer.from_json(self._call("GET", f"/offers/{_segment(offer_id)}"))

    def ask(self, offer_id: str, text: str) -> Offer:
        """Ask the owner a question on a live offer; the offer comes back with its thread."""
        path = f"/offers/{_segment(offer_id)}/questions"
        return Offer.from_json(self._call("POST", path, body={"text": text}, expect=201))

    # -- calls --------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        expect: int = 200,
    ) -> Any:
        return json_answer(self._request(method, path, params=params, body=body), expect)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
    ) -> requests.Response:
        """Send with a current token; if the store refuses it, once more with a fresh one."""
        url = self.metadata.api_base + path
        source = self.credentials
        tokens = source.get()
        response = send_bearer(
            self._http, method, url, tokens, params=params, body=body, timeout=self.timeout
        )
        if response.status_code == 401 and challenge_error(response) == "invalid_token":
            source.invalidate(tokens)
            response = send_bearer(
                self._http,
                method,
                url,
                source.get(),
                params=params,
                body=body,
                timeout=self.timeout,
            )
        return response


def _segment(value: str) -> str:
    return quote(str(value), safe="")


def _items(body: Any) -> list[Any]:
    items = body.get("items") if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        raise ServerError(None, "unexpected_response", "the answer has no items list")
    return items
