"""A vendor's webhook subscription to the owner's RFPs: where to post, which categories.

The webhook URL follows the redirect-URI rule (https, or http on a loopback host; no
fragment) and may not carry credentials (``user:pass@``): the signature authenticates.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from marshmallow import validate

from pds.schemas.client import RedirectUri
from pds.schemas.common import Label, Schema, UniqueList

MAX_CATEGORIES = 50


class WebhookUrl(RedirectUri):
    """Where webhooks are posted: a redirect-URI-like URL without userinfo."""

    default_error_messages = {
        "userinfo": "Must not contain a user name or password (user:pass@...).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "@" in urlsplit(text).netloc:
            raise self.make_error("userinfo")
        return text


class SubscriptionSchema(Schema):
    """What a vendor says when it subscribes: ``url`` and ``categories`` (empty = all)."""

    url = WebhookUrl(required=True)
    categories = UniqueList(
        Label(), load_default=list, validate=validate.Length(max=MAX_CATEGORIES)
    )
