"""The runtime: what one running pds is made of, built once by ``build_runtime(settings)``
for the app and for every command: the open store, the services, the rate limits and
the background workers (courier, data-key rotation, archive exports, the audit log's
group commit), started and stopped in one place.

Views reach it through one typed accessor, ``pds.runtime.current.runtime()`` (kept
apart: the command line does not import Flask).
"""

from pds.runtime.runtime import Limits, Runtime, build_runtime, create_store, open_store
from pds.runtime.workers import Workers

__all__ = ["Limits", "Runtime", "Workers", "build_runtime", "create_store", "open_store"]
