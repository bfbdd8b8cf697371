"""Find the data that ships with launchgate: rule packs (checks/) and JSON Schemas (schemas/).

In a wheel they live in ``launchgate/_data``; in a checkout or editable install they are the
top-level ``checks/`` and ``schemas/`` directories beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The directory ``checks`` or ``schemas``, wherever this install keeps it."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"launchgate data directory {name!r} is missing from this install")


def schema_path(filename: str) -> Path:
    return data_dir("schemas") / filename


def rule_pack_paths() -> list[Path]:
    """Every built-in rule pack, sorted for a stable order."""
    return sorted(data_dir("checks").glob("*.yml"))
