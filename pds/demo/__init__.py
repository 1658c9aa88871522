"""Demo data: a made-up owner's life (purchases, vendors, people, preferences) for
``pds demo`` and ``make run``. Not the domain: it uses the services like any caller.

``fill_demo`` (in ``fill``) is deterministic for a seed and a day.
"""
