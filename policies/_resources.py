"""Reading the policy data files shipped in ``policies/data``."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def read_json(name: str) -> Any:
    """The parsed JSON of ``policies/data/<name>``."""
    text = files("policies").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)
