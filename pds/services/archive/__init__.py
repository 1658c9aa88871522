"""The full archive: everything in the store as one zip that other tools can read.

``export_archive`` writes it (optionally encrypted), ``restore`` puts it back into a
new store, ``merge`` into an existing one; see ``docs/archive.md`` for the format.
"""

from pds.services.archive.envelope import DEFAULT_SCRYPT_N, file_is_encrypted
from pds.services.archive.export import Exporter, ExportOptions, Progress, export_archive
from pds.services.archive.import_ import ImportReport, merge, restore
from pds.services.archive.manifest import FORMAT_VERSION, Manifest
from pds.services.archive.reader import ArchiveReader

__all__ = [
    "DEFAULT_SCRYPT_N",
    "FORMAT_VERSION",
    "ArchiveReader",
    "ExportOptions",
    "Exporter",
    "ImportReport",
    "Manifest",
    "Progress",
    "export_archive",
    "file_is_encrypted",
    "merge",
    "restore",
]
