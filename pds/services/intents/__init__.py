"""Intents: the owner's personal RFPs and the vendors' answers.

- ``rfps`` (``RfpService``): draft, publish, amend, close, award; per-RFP pseudonyms.
  ``rfp_lifecycle``: its states, the moves between them, what may still change.
- ``offers`` (``OfferService``): one live offer per vendor and RFP, the Q&A thread;
  settled by an award (the container hands it to ``RfpService``).
- ``rfp_views``: what vendors may see; ``vendor_history``: the owner's history with a
  vendor beside its offer.
- Getting the word out: ``rfp_events`` (who hears what), ``subscriptions`` (vendors'
  webhook subscriptions), ``webhooks`` (the outbox and its log), ``webhook_signing``
  (Standard Webhooks v1); the background worker that posts them is the runtime's
  courier (``pds.runtime.courier``). An open network (signed events on relays) will
  publish from here too.
"""

from pds.services.intents.offers import OfferService
from pds.services.intents.rfps import RfpService
from pds.services.intents.subscriptions import SubscriptionService
from pds.services.intents.webhooks import RetryPolicy, WebhookService

__all__ = ["OfferService", "RetryPolicy", "RfpService", "SubscriptionService", "WebhookService"]
