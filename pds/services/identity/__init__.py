"""Identity: who may act, on whose behalf, and what they were allowed to see.

- The owner: ``credentials`` (``OwnerCredentials``: password, TOTP, recovery codes),
  ``login_throttle``, ``store_keys`` (passphrase change; the data-key rotation
  thread is the runtime's, ``pds.runtime.key_rotation``).
- Vendors as OAuth clients: ``clients`` (``ClientService``: registration with a verified
  domain, block, approve), ``consent`` (``ConsentService``: the consent screen's facts and
  Allow), ``grants`` (``GrantService``), ``tokens`` (``TokenService``: codes and tokens
  kept as hashes), ``subjects`` (pairwise ``sub``), ``signing_keys`` (ID tokens),
  ``terms`` (the owner's personal terms).
- What a vendor sees: ``vendor_view`` (``VendorView``: records under one grant) and
  ``access_log`` (``AccessLog``: every call, and per vendor what it has seen).
"""

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

__all__ = [
    "AccessLog",
    "ClientService",
    "ConsentService",
    "GrantService",
    "OwnerCredentials",
    "SigningKeys",
    "Subjects",
    "TermsService",
    "TokenService",
    "VendorView",
]
