"""The vendor SDK: talk to an owner's personal data store over HTTP, as any vendor would.

    from vendors.sdk import JSONFileTokenStore, PDSClient

    client = PDSClient("https://pds.example.org", token_store=JSONFileTokenStore("tokens.json"))
    client.register("My Shop", ["https://shop.example/callback"])
    request = client.authorization_url("openid profile offline_access purchases:read")
    # ... send the owner to request.url; on the callback:
    client.finish_authorization(callback_url, request)
    for purchase in client.purchases(since="2024-01-01"):
        ...

See ``docs/vendors.md``. Never imports ``pds``.
"""

from vendors.sdk.authorization import AuthorizationRequest
from vendors.sdk.client import PDSClient
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
from vendors.sdk.tokens import JSONFileTokenStore, MemoryTokenStore, TokenSet, TokenStore

__all__ = [
    "AuthorizationFailed",
    "AuthorizationRequest",
    "Conflict",
    "DiscoveryFailed",
    "Forbidden",
    "InvalidRequest",
    "JSONFileTokenStore",
    "LineItem",
    "Me",
    "MemoryTokenStore",
    "NotAuthorized",
    "NotFound",
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
    "ServerError",
    "ServerMetadata",
    "StoreUnreachable",
    "TokenSet",
    "TokenStore",
]
