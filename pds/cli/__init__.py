"""The ``pds`` command line. Every command maps ``PdsError`` to one line and an exit code.

``main`` is the click group (``pds.cli.root``); each module below adds its commands.
"""

from pds.cli import (
    access_commands,
    archive_commands,
    backup_commands,
    data_commands,
    import_commands,
    insights_commands,
    log_commands,
    purchase_import_commands,
    rel_commands,
    rel_merge_commands,
    remind_commands,
    rfp_commands,
    store_commands,
)
from pds.cli.root import main

__all__ = [
    "access_commands",
    "archive_commands",
    "backup_commands",
    "data_commands",
    "import_commands",
    "insights_commands",
    "log_commands",
    "main",
    "purchase_import_commands",
    "rel_commands",
    "rel_merge_commands",
    "remind_commands",
    "rfp_commands",
    "store_commands",
]
