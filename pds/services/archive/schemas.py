"""The JSON Schema of each collection's stored records, and the check of a record against it.

Collections whose stored form is a marshmallow schema's ``dump`` (see ``policy``) get a
JSON Schema (draft 2020-12) generated from that schema by apispec, self-contained
(nested schemas under ``$defs``). Every other collection gets the schema of a plain
record: a JSON object with a non-empty string ``id``. The importer checks every
record against this pds's schemas, never against the ones inside an archive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, cast

import jsonschema_rs
import orjson
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from pds.schemas.common import ID_PATTERN, Choice, Id, ScalarOrList, Text
from pds.schemas.money import MAX_INTEGER_DIGITS, Currency, ExactDecimal
from pds.schemas.temporal import Day, Instant, When
from pds.services.archive.policy import policy_of
from pds.version import __version__

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SHOWN = 40  # characters of a wrong value a message quotes
_SCALAR = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
_TYPES: dict[type, dict[str, Any]] = {
    Id: {"type": "string", "pattern": ID_PATTERN.pattern},
    Day: {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    Instant: {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T.+Z$"},
    When: {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(T.+Z)?$"},
    Currency: {"type": "string", "pattern": r"^[A-Z]{3}$"},
    ScalarOrList: {"anyOf": [*_SCALAR, {"type": "array", "items": {"anyOf": _SCALAR}}]},
}


def temporal_kind(node: dict[str, Any]) -> str | None:
    """``"day"``, ``"instant"`` or ``"when"`` (either) for a schema node of one of pds's
    date types (or one ``shapes`` inferred), else ``None``."""
    for kind, field in (("day", Day), ("instant", Instant), ("when", When)):
        if node.get("pattern") == _TYPES[field]["pattern"]:
            return kind
    return None


def temporal_node(kind: str) -> dict[str, Any]:
    return dict(_TYPES[{"day": Day, "instant": Instant, "when": When}[kind]])


def is_decimal(node: dict[str, Any]) -> bool:
    """Whether a schema node is one of pds's exact decimals (a string of digits)."""
    return str(node.get("pattern", "")).startswith(r"^-?\d{1,")


def _field_attributes(self: Any, field: Any, **_: Any) -> dict[str, Any]:
    """What pds's own field types are in a stored record (apispec asks for each field)."""
    if isinstance(field, ExactDecimal):
        return _decimal(field)
    for kind in type(field).__mro__:
        if kind in _TYPES:
            return dict(_TYPES[kind])
    if isinstance(field, Choice):
        return {"type": "string", "enum": list(field.choices)}
    if isinstance(field, Text):
        return {"type": "string", "maxLength": field.max_length}
    return {}


def _decimal(field: ExactDecimal) -> dict[str, Any]:
    """A decimal string within the field's limits: at most 12 integer digits and its
    number of places (so an archive cannot bring in a total of 100,000 digits)."""
    integer = rf"\d{{1,{MAX_INTEGER_DIGITS}}}"
    places = rf"(\.\d{{1,{field.places}}})?" if field.places else ""
    return {"type": "string", "pattern": f"^-?{integer}{places}$"}


def _record_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string", "minLength": 1}},
    }


@cache
def json_schema(collection: str) -> dict[str, Any]:
    """The JSON Schema document of ``collection``'s records."""
    head = {
        "$schema": DIALECT,
        "$id": f"urn:pds:archive:schema:{collection}",
        "title": f"pds {collection} record",
        "description": f"A record of the {collection} collection as pds {__version__} stores it.",
    }
    marshmallow_schema = policy_of(collection).schema
    if marshmallow_schema is None:
        return {**head, **_record_schema()}
    plugin = MarshmallowPlugin()
    spec = APISpec(title="pds", version=__version__, openapi_version="3.1.0", plugins=[plugin])
    assert plugin.converter is not None
    # cast: apispec leaves add_attribute_function unannotated (it takes one such function)
    add_attribute_function = cast(
        "Callable[[Callable[..., dict[str, Any]]], None]", plugin.converter.add_attribute_function
    )
    add_attribute_function(_field_attributes)
    name = marshmallow_schema.__name__.removesuffix("Schema") or "Record"
    spec.components.schema(name, schema=marshmallow_schema)
    text = orjson.dumps(spec.to_dict()["components"]["schemas"]).decode()
    defs = orjson.loads(re.sub(r'"#/components/schemas/([^"]+)"', r'"#/$defs/\1"', text))
    root = defs.pop(name)
    root["required"] = sorted({"id", *root.get("required", ())})
    return {**head, **root, **({"$defs": defs} if defs else {})}


@cache
def _validator(collection: str) -> Any:
    return jsonschema_rs.Draft202012Validator(json_schema(collection), validate_formats=True)


def schema_errors(collection: str, record: Any) -> list[str]:
    """What is wrong with ``record`` as a stored ``collection`` record (empty if nothing)."""
    validator = _validator(collection)
    if validator.is_valid(record):
        return []
    found = []
    for error in validator.iter_errors(record):
        where = "/".join(str(part) for part in error.instance_path) or "(record)"
        found.append(f"{where}: {_brief(error.message, error.instance)}")
        if len(found) == 5:
            break
    return found


def _brief(message: str, value: Any) -> str:
    """``message`` with the wrong value it quotes cut to ``SHOWN`` characters (a value can
    be megabytes long)."""
    try:
        shown = orjson.dumps(value).decode()
    except TypeError:
        return message
    if len(shown) <= SHOWN:
        return message
    return message.replace(shown, f"{shown[:SHOWN]}… ({len(shown)} characters)")
