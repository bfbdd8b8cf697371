"""A small JSONPath subset for expectations and captures: ``$.data.items[0].id``.

Enough for "this field of the answer equals that" (as Hurl's ``jsonpath`` asserts are mostly
used): dotted names, ``['quoted names']`` and list indexes (negative from the end). Filters,
wildcards and slices are refused with a clear error when the manifest is read, rather than
half-supported.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"""\.(?P<name>[A-Za-z_$][\w$-]*)|\[(?P<index>-?\d+)\]|\[(?P<q>['"])(?P<quoted>.*?)(?P=q)\]"""
)


class JsonPathError(ValueError):
    """Not a path of the supported subset."""


_MISSING = object()


def parse(path: str) -> tuple[str | int, ...]:
    """``$.a[0]['b c']`` -> ``("a", 0, "b c")``."""
    if not path.startswith("$"):
        raise JsonPathError(f"JSON path {path!r} must start with $")
    steps: list[str | int] = []
    position = 1
    while position < len(path):
        found = _TOKEN.match(path, position)
        if not found:
            raise JsonPathError(
                f"JSON path {path!r}: unsupported syntax at {path[position:]!r} "
                "(use $.name, $['name'] and $[0])"
            )
        if found.group("name") is not None:
            steps.append(found.group("name"))
        elif found.group("index") is not None:
            steps.append(int(found.group("index")))
        else:
            steps.append(found.group("quoted"))
        position = found.end()
    return tuple(steps)


def lookup(document: Any, path: str) -> Any:
    """The value at ``path``, or :data:`MISSING` when it is not there."""
    node = document
    for step in parse(path):
        if isinstance(step, int):
            if not isinstance(node, list) or not -len(node) <= step < len(node):
                return MISSING
            node = node[step]
        else:
            if not isinstance(node, dict) or step not in node:
                return MISSING
            node = node[step]
    return node


MISSING: Any = _MISSING
