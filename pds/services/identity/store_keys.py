"""The store's passphrase, from the portal: change it.

The change asks for the current passphrase (checked by unlocking the header afresh, as
a login would), so an unattended session cannot lock the owner out. (Rotating the data
key runs on a thread the runtime owns: ``pds.runtime.key_rotation``.)
"""

from __future__ import annotations

from pds.errors import ValidationFailed, WrongPassphrase
from pds.store import Store
from pds.store.vault import Vault

MIN_PASSPHRASE = 8  # as ``pds passwd`` asks


def change_passphrase(store: Store, current: str, new: str, again: str) -> None:
    """Re-wrap the store's keys under ``new``; ``ValidationFailed`` names the wrong field."""
    errors: dict[str, list[str]] = {}
    if len(new) < MIN_PASSPHRASE:
        errors["new_passphrase"] = [f"Must be at least {MIN_PASSPHRASE} characters."]
    elif new != again:
        errors["new_passphrase_again"] = ["The two new passphrases differ."]
    try:
        Vault.unlock(store.home, current)
    except WrongPassphrase:
        errors["current_passphrase"] = ["That is not the store's passphrase."]
    if errors:
        raise ValidationFailed("the passphrase was not changed", errors)
    store.change_passphrase(new)
    store.audit.append({"actor": "owner", "action": "store.passphrase_changed"})
