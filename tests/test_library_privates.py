"""pds uses other libraries through their public API and documented extension points.

Two checks over every module of ``pds`` (docs/architecture.md, "Other libraries"):

- a class of pds that subclasses another library's class neither overrides nor uses
  a private (``_name``) member of that base (as ``RecordTable`` once overrode TinyDB's
  ``Table._get_next_id`` and called ``Table._update_table``);
- no ``obj._name`` is read or written, nor named in ``getattr``/``setattr``/``hasattr``,
  unless pds itself defines a member of that name (as ``zipfile``'s member handles once
  had their ``_compressor`` swapped).

The few underscore names that libraries document as their public API are listed.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pds

# Underscore names their libraries document for use from outside.
DOCUMENTED_OVERRIDES = {
    # marshmallow: "Creating a field class: override _serialize and/or _deserialize"
    ("marshmallow.fields", "_serialize"),
    ("marshmallow.fields", "_deserialize"),
}
DOCUMENTED_ATTRIBUTES = {
    "_get_current_object",  # werkzeug.local.LocalProxy: "the object behind the proxy"
    "_asdict",  # collections.namedtuple's documented methods
    "_replace",
    "_fields",
    "_make",
}
ROOT = Path(pds.__file__).parent


def _modules() -> Iterator[tuple[str, Path]]:
    for info in pkgutil.walk_packages([str(ROOT)], prefix="pds."):
        relative = info.name.removeprefix("pds.").replace(".", "/")
        path = ROOT / relative / "__init__.py" if info.ispkg else ROOT / f"{relative}.py"
        yield info.name, path


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _own_private_names(trees: dict[str, ast.Module]) -> set[str]:
    """Every private name pds defines: functions, classes, methods, attributes of its own
    objects (set on ``self``/``cls``), variables, arguments."""
    names: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and _is_self(node.value)
            ):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[-1])
    return {name for name in names if _is_private(name)}


def _is_self(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in {"self", "cls"}
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def _foreign_bases(cls: type) -> list[type]:
    return [
        base
        for base in cls.__mro__[1:]
        if base is not object and base.__module__.split(".")[0] not in {"pds", "builtins"}
    ]


def _base_privates(base: type) -> set[str]:
    """Private members of a library class: on the class, or set on its instances."""
    names = {name for name in vars(base) if _is_private(name)}
    try:
        source = inspect.getsource(base)
    except (OSError, TypeError):
        return names
    return names | {m for m in re.findall(r"self\.(_[A-Za-z]\w*)", source) if _is_private(m)}


def _class_privates(node: ast.ClassDef) -> Iterator[tuple[int, str]]:
    """Private names a class body defines, or uses on ``self``/``cls``/``super()``."""
    for child in ast.walk(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and _is_private(child.name):
            yield child.lineno, child.name
        elif isinstance(child, ast.Attribute) and _is_self(child.value) and _is_private(child.attr):
            yield child.lineno, child.attr


def _overrides(name: str, path: Path, tree: ast.Module) -> Iterator[str]:
    module = importlib.import_module(name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(module, node.name, None)
        if not inspect.isclass(cls) or cls.__module__ != name:
            continue
        for base in _foreign_bases(cls):
            privates = _base_privates(base)
            for line, member in _class_privates(node):
                if member in privates and (base.__module__, member) not in DOCUMENTED_OVERRIDES:
                    where = f"{base.__module__}.{base.__qualname__}"
                    yield f"{path}:{line}: {node.name} uses {where}.{member}"


def _foreign_accesses(path: Path, tree: ast.Module, own: set[str]) -> Iterator[str]:
    for node in ast.walk(tree):
        attribute = None
        if isinstance(node, ast.Attribute) and not _is_self(node.value):
            attribute = node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            attribute = node.args[1].value
        if (
            attribute is not None
            and _is_private(attribute)
            and attribute not in own
            and attribute not in DOCUMENTED_ATTRIBUTES
        ):
            yield f"{path}:{node.lineno}: {ast.unparse(node)}"


def test_no_private_member_of_another_library_is_used() -> None:
    trees = {name: ast.parse(path.read_text(), str(path)) for name, path in _modules()}
    own = _own_private_names(trees)
    found = []
    for name, path in _modules():
        relative = path.relative_to(ROOT.parent)
        found += _overrides(name, relative, trees[name])
        found += _foreign_accesses(relative, trees[name], own)
    assert not found, "\n".join(found)
