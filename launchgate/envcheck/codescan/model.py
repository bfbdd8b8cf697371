"""The one type every language reader returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EnvRead:
    """A place where code reads a variable by a literal name.

    ``has_default`` is true when the read copes with absence (``os.getenv("X", "d")``,
    ``process.env.X ?? "d"``, ``ENV.fetch("X") { ... }``, ``"X" in os.environ``), which is how
    ``launchgate init`` decides a variable is optional.
    """

    name: str
    path: str
    line: int
    language: str
    has_default: bool = False
