"""``Services``: every domain service over one store, built once and shared."""

from __future__ import annotations

from pds.services.archive.service import ArchiveService
from pds.services.collections import DOMAIN
from pds.services.context import Clock, Context, IdSource, utc_now
from pds.services.identity.access_log import AccessLog
from pds.services.identity.clients import ClientService
from pds.services.identity.consent import ConsentService
from pds.services.identity.credentials import OwnerCredentials
from pds.services.identity.grants import GrantService
from pds.services.identity.signing_keys import SigningKeys
from pds.services.identity.subjects import Subjects
from pds.services.identity.terms import TermsService
from pds.services.identity.tokens import TokenService
from pds.services.identity.vendor_view import VendorView
from pds.services.intents.offers import OfferService
from pds.services.intents.rfp_events import RfpEvents
from pds.services.intents.rfps import RfpService
from pds.services.intents.subscriptions import SubscriptionService
from pds.services.intents.webhooks import LOG_DAYS, RetryPolicy, WebhookService
from pds.services.outbound import OutboundPolicy
from pds.services.records.preferences import PreferenceService
from pds.services.records.profile import ProfileService
from pds.services.records.purchases import PurchaseService
from pds.services.relationships.directory import DirectoryService
from pds.services.relationships.insights import InsightService
from pds.services.relationships.interactions import InteractionService
from pds.services.relationships.merging import MergeService
from pds.services.relationships.photos import PhotoService
from pds.services.relationships.relationships import RelationshipService
from pds.services.relationships.reminders import ReminderService
from pds.store import Store, StoreStats, new_id


class Services:
    """The domain over ``store``: ``profile``, ``purchases``, ``preferences``,
    ``relationships``, ``interactions``, their ``photos``, the owner's ``credentials``;
    and for the OpenID Provider its ``signing_keys``, the vendors as ``clients``, the
    owner's ``grants``, their ``tokens``, the pairwise ``subjects`` and the owner's
    personal ``terms``; the owner's personal RFPs as ``rfps`` and the vendors' ``offers``
    on them, and the vendors' webhook ``subscriptions`` to them.

    ``clock`` (aware UTC ``datetime``) stamps ``created_at``/``updated_at`` and ``ids``
    names new records (UUIDv7); tests and the demo inject their own. The RFP events go
    out as signed ``webhooks`` (an outbox, retried as ``retry`` says, finished deliveries
    kept ``webhook_log_days`` days, 0 = forever); ``issuer`` (the store's public URL)
    tells an RFP's winner where to ask for the shipping address.
    ``outbound`` says which destinations the store contacts (never the owner's network;
    loopback only when it allows it), checked when a vendor subscribes and again by the
    courier at every connection.
    ``rfp_vendors_need_approval`` holds RFPs back from vendors registered for client
    credentials until the owner approves them (``clients.approve``).
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock = utc_now,
        ids: IdSource = new_id,
        issuer: str | None = None,
        retry: RetryPolicy | None = None,
        outbound: OutboundPolicy | None = None,
        rfp_vendors_need_approval: bool = False,
        webhook_log_days: int = LOG_DAYS,
    ) -> None:
        self.store = store
        self.clock = clock
        self.ids = ids
        self.issuer = issuer
        self.retry = retry
        self.outbound = outbound or OutboundPolicy()
        self.rfp_vendors_need_approval = rfp_vendors_need_approval
        self.webhook_log_days = webhook_log_days
        ctx = Context(store, clock, ids, rfp_vendors_need_approval)
        self.relationships = RelationshipService(ctx)
        self.interactions = InteractionService(ctx, self.relationships)
        self.photos = PhotoService(ctx, self.relationships)
        self.purchases = PurchaseService(ctx, self.relationships, self.interactions)
        self.profile = ProfileService(ctx)
        self.reminders = ReminderService(ctx, self.relationships, self.interactions, self.profile)
        self.insights = InsightService(
            ctx, self.relationships, self.purchases, targets=self.reminders
        )
        self.merges = MergeService(ctx, self.relationships)
        self.directory = DirectoryService(self.relationships, self.insights, self.reminders)
        self.preferences = PreferenceService(ctx)
        self.credentials = OwnerCredentials(store, clock=clock)
        self.signing_keys = SigningKeys(ctx)
        self.tokens = TokenService(ctx)
        self.grants = GrantService(ctx, self.tokens)
        self.clients = ClientService(ctx, self.grants.revoke_for_client)
        self.subjects = Subjects(ctx)
        self.access_log = AccessLog(ctx)
        self.vendor_view = VendorView(
            ctx,
            purchases=self.purchases,
            preferences=self.preferences,
            relationships=self.relationships,
            profile=self.profile,
            subjects=self.subjects,
        )
        self.terms = TermsService(ctx)
        self.consent = ConsentService(
            ctx, self.clients, self.grants, self.relationships, self.purchases, self.terms
        )
        self.subscriptions = SubscriptionService(ctx, self.clients, self.outbound)
        self.webhooks = WebhookService(
            ctx, self.subscriptions, self.clients, retry, log_days=webhook_log_days
        )
        self.rfps = RfpService(
            ctx,
            events=RfpEvents(self.webhooks, self.subscriptions, self.clients, issuer),
            interactions=self.interactions,
            relationships=self.relationships,
            clients=self.clients,
            consent=self.consent,
            preferences=self.preferences,
            profile=self.profile,
        )
        self.offers = OfferService(ctx, self.rfps, self.clients)
        self.archive = ArchiveService(store)
        # Each service writes only its own collection and asks the others. Where the one
        # it must ask is built after it (a context above, or a cycle), it is handed over
        # here: deleting a relationship with cascade, checking an interaction's purchase
        # or RFP, an RFP's award settling its offers, a merge moving what points at the
        # merged relationship.
        self.relationships.cascade_to(
            interactions=self.interactions, purchases=self.purchases, dependants=(self.photos,)
        )
        self.interactions.check_references_with(purchases=self.purchases, rfps=self.rfps)
        self.rfps.settle_offers_with(self.offers)
        self.merges.repoint_with(
            interactions=self.interactions,
            purchases=self.purchases,
            grants=self.grants,
            clients=self.clients,
            reminders=self.reminders,
            related=self.relationships,
        )

    def using(self, *, clock: Clock | None = None, ids: IdSource | None = None) -> Services:
        """The same services over the same store, with another clock or id source."""
        return Services(
            self.store,
            clock=clock or self.clock,
            ids=ids or self.ids,
            issuer=self.issuer,
            retry=self.retry,
            outbound=self.outbound,
            rfp_vendors_need_approval=self.rfp_vendors_need_approval,
            webhook_log_days=self.webhook_log_days,
        )

    @property
    def unlocked(self) -> bool:
        """Whether the store behind these services is open."""
        return self.store.is_open

    def store_facts(self) -> StoreStats:
        """Size, key and format facts of the store (no record values)."""
        return self.store.stats()

    def counts(self) -> dict[str, int]:
        """How many records each collection of the owner's records holds."""
        owners = (self.purchases, self.interactions, self.relationships, self.preferences)
        by_collection = {s.collection_name: s for s in (*owners, self.profile)}
        return {name: by_collection[name].count() for name in DOMAIN}
