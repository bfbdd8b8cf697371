"""Python reads, found with the ``ast`` module so comments and strings can never match.

Recognised: ``os.environ["X"]``, ``os.environ.get("X"[, d])``, ``os.environ.setdefault``,
``os.getenv("X"[, d])``, ``"X" in os.environ``, including ``import os as o`` and
``from os import environ, getenv`` aliases.
"""

from __future__ import annotations

import ast
import warnings

from launchgate.envcheck.codescan.model import EnvRead


class _Aliases:
    """Local names bound to ``os``, ``os.environ`` and ``os.getenv`` by imports."""

    def __init__(self, tree: ast.AST) -> None:
        self.os: set[str] = set()
        self.environ: set[str] = set()
        self.getenv: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "os":
                        self.os.add(alias.asname or "os")
            elif isinstance(node, ast.ImportFrom) and node.module == "os" and node.level == 0:
                for alias in node.names:
                    if alias.name == "environ":
                        self.environ.add(alias.asname or "environ")
                    elif alias.name == "getenv":
                        self.getenv.add(alias.asname or "getenv")

    def _is_os_member(self, node: ast.expr, member: str, imported: set[str]) -> bool:
        """``os.<member>`` (or an alias of ``os``), or a name imported from os as ``member``."""
        if isinstance(node, ast.Name):
            return node.id in imported
        return (
            isinstance(node, ast.Attribute)
            and node.attr == member
            and isinstance(node.value, ast.Name)
            and node.value.id in self.os
        )

    def is_environ(self, node: ast.expr) -> bool:
        return self._is_os_member(node, "environ", self.environ)

    def is_getenv(self, node: ast.expr) -> bool:
        return self._is_os_member(node, "getenv", self.getenv)


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return node.value
    return None


def _call_read(call: ast.Call, aliases: _Aliases) -> tuple[str, bool] | None:
    func = call.func
    is_get = aliases.is_getenv(func) or (
        isinstance(func, ast.Attribute)
        and func.attr in ("get", "setdefault")
        and aliases.is_environ(func.value)
    )
    if not is_get or not call.args:
        return None
    name = _literal(call.args[0])
    if name is None:
        return None
    has_default = len(call.args) > 1 or any(k.arg in ("default", "value") for k in call.keywords)
    return name, has_default


def python_reads(source: str, path: str) -> list[EnvRead]:
    """Every literal-name read in ``source``; a file that does not parse yields nothing."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. in the scanned code
            tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    aliases = _Aliases(tree)
    if not (aliases.os or aliases.environ or aliases.getenv):
        return []
    reads: list[EnvRead] = []

    def add(name: str, node: ast.AST, has_default: bool) -> None:
        reads.append(EnvRead(name, path, getattr(node, "lineno", 1), "python", has_default))

    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            name = _literal(node.slice)
            if name and aliases.is_environ(node.value):
                add(name, node, False)
        elif isinstance(node, ast.Call):
            found = _call_read(node, aliases)
            if found:
                add(found[0], node, found[1])
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            name = _literal(node.left)
            if (
                name
                and isinstance(node.ops[0], ast.In | ast.NotIn)
                and aliases.is_environ(node.comparators[0])
            ):
                add(name, node, True)
    return sorted(reads, key=lambda r: (r.line, r.name))
