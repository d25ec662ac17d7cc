"""Whoosh's private names are used in one module only (index/engine/internals.py, behind its
version gate): a new use elsewhere would break, unnoticed, on the next Whoosh release. The
source is read, not run (import-linter cannot see inside an outside package: see pyproject)."""

from __future__ import annotations

import ast
import functools
import warnings
from pathlib import Path

import whoosh

PACKAGE = Path(__file__).resolve().parent.parent / "enews_tui"
INTERNALS = PACKAGE / "index" / "engine" / "internals.py"
#: Whoosh modules whose classes are its file layout and segment writer.
PRIVATE_MODULES = ("whoosh.codec.whoosh3", "whoosh.writing")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@functools.cache
def whoosh_private_names() -> frozenset[str]:
    """Every `_name` Whoosh defines: methods, attributes, module globals."""
    names: set[str] = set()
    for path in Path(whoosh.__file__).parent.rglob("*.py"):
        with warnings.catch_warnings():  # Whoosh 2.7's regex literals warn on newer Pythons
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(path.read_bytes())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                found = node.attr
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found = node.name
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                found = node.id
            else:
                continue
            if _private(found):
                names.add(found)
    return frozenset(names)


def uses(path: Path) -> list[str]:
    """Where `path` uses a private name of Whoosh's or imports its private modules (a
    subclass's own `self._x` is its own business)."""
    private = whoosh_private_names()
    found = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Attribute) and node.attr in private:
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.append(f"{where}: .{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("getattr", "setattr", "hasattr") and len(node.args) > 1:
                name = node.args[1]
                if isinstance(name, ast.Constant) and name.value in private:
                    found.append(f"{where}: {node.func.id}(..., {name.value!r})")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            if node.module in PRIVATE_MODULES:
                found.append(f"{where}: from {node.module} import ...")
            found += [f"{where}: import {a.name}" for a in node.names if _private(a.name)]
        elif isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if a.name in PRIVATE_MODULES]
    return found


def test_whoosh_private_names_are_used_in_internals_only() -> None:
    """No module but internals.py reaches into Whoosh."""
    modules = [p for p in PACKAGE.rglob("*.py") if p != INTERNALS]
    assert len(modules) > 30
    assert [use for path in modules for use in uses(path)] == []


def test_the_check_sees_the_uses_in_internals() -> None:
    """The same reading finds what internals.py does use (the check is not blind)."""
    found = "\n".join(uses(INTERNALS))
    for name in ("._ids", "._read_ids", "._commit_toc", "._btexts", "'_perdoc'", "whoosh3"):
        assert name in found
