"""Relationships: the people and organisations the owner deals with, and the rhythm of it.

- ``relationships`` (``RelationshipService``): the records (vendors, people), tags,
  domains; ``interactions`` (``InteractionService``): the log of what happened.
- ``cadence``, ``drift``, ``tiers``, ``engagement``: pure inference over the log (how
  often, stopping or thinning out against its own past, groups by frequency and depth,
  a vendor's quarters), explained in words (``wording``); ``insights``
  (``InsightService``) runs them over the store, ``tier_memory`` keeps each tier's
  identity and label as data arrives.
- ``photos`` (``PhotoService``): one photo per relationship, kept apart from the record.
- ``reminders`` (``ReminderService``): targets and what is due; ``reminder_mail`` and
  ``reminder_feed`` send them as e-mail and as an iCalendar feed.
"""

from pds.services.relationships.insights import InsightService
from pds.services.relationships.interactions import InteractionService
from pds.services.relationships.relationships import RelationshipService
from pds.services.relationships.reminders import ReminderService

__all__ = ["InsightService", "InteractionService", "RelationshipService", "ReminderService"]
