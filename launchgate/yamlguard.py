"""Bounds for YAML that launchgate did not write (manifests, rule packs, workflow files).

On a pull request these files come from the author of the change, so a file must not be able to
crash or stall the gate: PyYAML's composer recurses once per nesting level, and a few hundred
``[`` exhaust Python's stack. The event stream is a state machine, so nesting is measured there
first, in linear time, before anything recursive sees the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# A manifest or rule pack nests about six levels; workflows about ten.
MAX_DEPTH = 64
# The largest built-in rule pack is about 20 KB; a user's pack of 1 MB is already unusual.
MAX_PACK_BYTES = 1_000_000


class TooLargeError(ValueError):
    """A file over its size cap: refused before it is read into memory."""


def read_capped(path: Path, limit: int = MAX_PACK_BYTES) -> str:
    """The file's text, or :class:`TooLargeError` when it is over ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        raise TooLargeError(f"is {size:,} bytes, over the {limit:,}-byte cap")
    return path.read_text("utf-8")


class TooDeep(yaml.MarkedYAMLError):
    """Nesting beyond MAX_DEPTH; positioned like PyYAML's own errors."""

    def __init__(self, mark: Any) -> None:
        super().__init__(
            problem=f"nests deeper than {MAX_DEPTH} levels (an unclosed '[' or '{{'?)",
            problem_mark=mark,
        )


def check_nesting(text: str, loader: type[Any] = yaml.SafeLoader) -> None:
    """Raise :class:`TooDeep` at the first collection opened deeper than MAX_DEPTH."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise TooDeep(event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def compose_bounded(text: str) -> yaml.Node | None:
    """``yaml.compose`` after the nesting check; raises ``yaml.YAMLError`` subclasses only."""
    check_nesting(text)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def load_bounded(text: str, loader: type[Any] = yaml.SafeLoader) -> Any:
    """A safe ``yaml.load`` after the nesting check; raises ``yaml.YAMLError`` subclasses only."""
    check_nesting(text, loader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - callers pass safe loaders only
