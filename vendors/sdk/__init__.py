"""The vendor SDK: talk to an owner's personal data store over HTTP, as any vendor would.

    from vendors.sdk import JSONFileTokenStore, PDSClient

    client = PDSClient("https://pds.example.org", token_store=JSONFileTokenStore("tokens.json"))
    client.register("My Shop", ["https://shop.example/callback"])
    request = client.authorization_url("openid profile offline_access purchases:read")
    # ... send the owner to request.url; on the callback:
    client.finish_authorization(callback_url, request)
    for purchase in client.purchases(since="2024-01-01"):
        ...

    rfps = RfpClient("https://pds.example.org", client_id=..., client_secret=...)
    subscription = rfps.subscribe("https://shop.example/webhooks", ["books"])
    verifier = WebhookVerifier(subscription.secret)  # event = verifier.verify(headers, body)
    rfps.submit_offer(event.data["id"], price="18.99", currency="EUR", delivery_date=...)

See ``docs/vendors.md``. Never imports ``pds``.
"""

from vendors.sdk.authorization import AuthorizationRequest
from vendors.sdk.client import PDSClient
from vendors.sdk.credentials import ClientCredentials
from vendors.sdk.discovery import ServerMetadata
from vendors.sdk.errors import (
    AuthorizationFailed,
    Conflict,
    DiscoveryFailed,
    Forbidden,
    InvalidRequest,
    NotAuthorized,
    NotFound,
    PDSError,
    RateLimited,
    ServerError,
    StoreUnreachable,
)
from vendors.sdk.models import (
    LineItem,
    Me,
    Page,
    Preference,
    Purchase,
    Receipt,
    ReceiptItem,
    Relationship,
)
from vendors.sdk.registration import Registration
from vendors.sdk.rfp_models import Budget, Message, Offer, Requirement, Rfp, Subscription
from vendors.sdk.rfps import RfpClient
from vendors.sdk.tokens import JSONFileTokenStore, MemoryTokenStore, TokenSet, TokenStore
from vendors.sdk.webhooks import WebhookError, WebhookEvent, WebhookVerifier

__all__ = [
    "AuthorizationFailed",
    "AuthorizationRequest",
    "Budget",
    "ClientCredentials",
    "Conflict",
    "DiscoveryFailed",
    "Forbidden",
    "InvalidRequest",
    "JSONFileTokenStore",
    "LineItem",
    "Me",
    "MemoryTokenStore",
    "Message",
    "NotAuthorized",
    "NotFound",
    "Offer",
    "PDSClient",
    "PDSError",
    "Page",
    "Preference",
    "Purchase",
    "RateLimited",
    "Receipt",
    "ReceiptItem",
    "Registration",
    "Relationship",
    "Requirement",
    "Rfp",
    "RfpClient",
    "ServerError",
    "ServerMetadata",
    "StoreUnreachable",
    "Subscription",
    "TokenSet",
    "TokenStore",
    "WebhookError",
    "WebhookEvent",
    "WebhookVerifier",
]
