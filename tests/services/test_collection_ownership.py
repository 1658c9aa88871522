"""Each collection has one owning service, and only it opens the collection.

A service reaches another's records through that service's methods (a context below it
by import, one above it through what the container hands over), so a change to how a
collection is written has one place to go. Checked from the syntax tree of
``pds/services``: outside the base class, a ``.collection(...)`` call is one of the few
listed here, each with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

from pds.services import SPECS, Services
from pds.services.base import CollectionService
from pds.store import Store

SERVICES = Path(__file__).resolve().parents[2] / "pds" / "services"
#: (module, collection constant or name) -> why that module opens the collection itself.
OPENED_ELSEWHERE = {
    ("identity/tokens.py", "CODES"): "the token service owns the codes besides the tokens",
    ("identity/subjects.py", "PROVIDER"): "the pairwise salt: no find/get may hand it out",
    ("identity/signing_keys.py", "SIGNING_KEYS"): "private keys: no find/get may hand them out",
    ("identity/credentials.py", "'credentials'"): "opened from a bare store by `pds init`",
    ("relationships/insights.py", "INTERACTIONS"): "reads the log's index columns, same context",
    ("relationships/tier_memory.py", "INSIGHTS"): "the insight service's tier records, kept by it",
    ("context.py", "name"): "the one place a service's collection is opened from",
}


def _collection_calls(path: Path) -> list[str]:
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "collection"
            and node.args
        ):
            calls.append(ast.unparse(node.args[0]))
    return calls


def test_only_the_owning_service_opens_a_collection() -> None:
    found = set()
    for path in sorted(SERVICES.rglob("*.py")):
        module = path.relative_to(SERVICES).as_posix()
        if module == "base.py" or module.startswith("archive/"):  # archive: the whole store
            continue
        found |= {(module, arg) for arg in _collection_calls(path)}
    assert found == set(OPENED_ELSEWHERE)


def test_every_collection_has_one_owning_service(store: Store) -> None:
    services = Services(store)
    owners: dict[str, list[str]] = {}
    for name, service in vars(services).items():
        if isinstance(service, CollectionService):
            owners.setdefault(service.collection_name, []).append(name)
    assert all(len(names) == 1 for names in owners.values()), owners
    declared = {spec.name for spec in SPECS}
    assert set(owners) <= declared
    # held by services that open them themselves (see OPENED_ELSEWHERE for why)
    assert declared - set(owners) == {"codes", "credentials", "provider", "signing_keys"}
