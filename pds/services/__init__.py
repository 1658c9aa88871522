"""The domain: purchases, preferences, relationships, interactions and the owner's profile.

Plain Python over ``pds.store`` (never Flask). Build once with ``Services(store)``;
the collections the store must be opened with are ``SPECS``.
"""

from pds.services.collections import SPECS
from pds.services.container import Services
from pds.services.context import Clock, IdSource, utc_now
from pds.services.paging import Page
from pds.services.records.purchases import PreparedPurchase

__all__ = ["SPECS", "Clock", "IdSource", "Page", "PreparedPurchase", "Services", "utc_now"]
