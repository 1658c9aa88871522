"""The runtime suite uses the services suite's store and clock."""

from tests.services.conftest import clock, store

__all__ = ["clock", "store"]
