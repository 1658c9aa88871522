"""The authorization server tests use the shared ``vendor``, ``other_vendor`` and
``services`` fixtures of ``tests/conftest.py`` (the portal's tests need them too)."""
