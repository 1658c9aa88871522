"""Records: what the owner keeps about their own life with vendors.

- ``purchases`` (``PurchaseService``): what was bought from whom, receipts pushed by
  vendors, search; each purchase logs a ``purchase`` interaction with its vendor.
- ``preferences`` (``PreferenceService``): namespaced settings such as ``clothing.size``.
- ``profile`` (``ProfileService``): the owner's OpenID Connect claims.
- ``spending``: totals per month, category and vendor (exact decimals).
"""

from pds.services.records.preferences import PreferenceService
from pds.services.records.profile import ProfileService
from pds.services.records.purchases import PreparedPurchase, PurchaseService

__all__ = ["PreferenceService", "PreparedPurchase", "ProfileService", "PurchaseService"]
