"""The data contract: marshmallow schemas for every record kind pds keeps.

``load`` validates input into Python values (``Decimal``, ``date``, UTC ``datetime``)
and raises ``pds.errors.ValidationFailed`` with ``{field: [messages]}`` details;
``dump`` gives the JSON-compatible storage form. See ``pds.schemas.common``.
"""

from pds.schemas.common import ID_PATTERN, dump, error_details, is_id, load
from pds.schemas.interaction import InteractionQuerySchema, InteractionSchema
from pds.schemas.preference import PreferenceSchema
from pds.schemas.profile import AddressSchema, ProfileSchema
from pds.schemas.purchase import LineItemSchema, PurchaseQuerySchema, PurchaseSchema
from pds.schemas.query import PageQuerySchema
from pds.schemas.relationship import RelationshipQuerySchema, RelationshipSchema

__all__ = [
    "ID_PATTERN",
    "AddressSchema",
    "InteractionQuerySchema",
    "InteractionSchema",
    "LineItemSchema",
    "PageQuerySchema",
    "PreferenceSchema",
    "ProfileSchema",
    "PurchaseQuerySchema",
    "PurchaseSchema",
    "RelationshipQuerySchema",
    "RelationshipSchema",
    "dump",
    "error_details",
    "is_id",
    "load",
]
