"""Pre-fill the manifest's ``env.required`` for ``launchgate init``.

Two witnesses of what an app needs: the ``.env.example`` a project ships for new developers
(names, a comment above each, and example values that hint at the format), and the reads the code
scan finds. A variable every read of which has a default is suggested as optional. Only what is
safe to infer is inferred: ``*_URL`` is a url and ``PORT`` a port (unless the example value says
otherwise), and a test-mode example key (``sk_test_...``) means the live key in production and
the test key elsewhere.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dotenv.parser import parse_stream

from launchgate.envcheck.codescan import EnvRead, scan_tree
from launchgate.envcheck.drift import ignored
from launchgate.envcheck.formats import FormatRules, validate_email, validate_url

EXAMPLE_FILES = (".env.example", ".env.sample", ".env.template", ".env.dist", "example.env")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT = re.compile(r"^-?[0-9]+$")
_BOOL = frozenset({"true", "false"})
_TEST_KEY = re.compile(r"^([a-z]{2,5})_test_[A-Za-z0-9]")  # sk_test_, rk_test_, pk_test_...
PRODUCTION = "production"


def _guess_from_name(name: str) -> str | None:
    """A format the name alone makes safe to declare (an example value was not conclusive)."""
    upper = name.upper()
    if upper == "URL" or upper.endswith(("_URL", "_URI")):
        return "url"
    if upper == "PORT" or upper.endswith("_PORT"):
        return "port"
    return None


def _per_environment(
    entry: dict[str, Any], example: str, others: Sequence[str]
) -> list[dict[str, Any]]:
    """A test-mode example key: the live pattern in production, the test one elsewhere."""
    m = _TEST_KEY.match(example.strip())
    if m is None:
        return [entry]
    kind = m.group(1)
    out = [{**entry, "pattern": f"^{kind}_live_", "environments": [PRODUCTION]}]
    if others:
        out.append({**entry, "pattern": f"^{kind}_test_", "environments": list(others)})
    return out


def _guess_format(name: str, example: str) -> str | None:
    """A format from an example value; None when the example says nothing reliable."""
    value = example.strip()
    if not value:
        return None
    rules = FormatRules()
    if "://" in value and validate_url(value, rules).ok:
        return "url"
    if _INT.match(value):
        return "port" if name.upper().endswith("PORT") else "int"
    if value.lower() in _BOOL:
        return "bool"
    if "@" in value and validate_email(value, rules).ok:
        return "email"
    return None


def _example_entries(root: Path, others: Sequence[str] = ()) -> list[dict[str, Any]]:
    for filename in EXAMPLE_FILES:
        path = root / filename
        if path.is_file():
            break
    else:
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    comment: list[str] = []
    for binding in parse_stream(io.StringIO(text)):
        original = binding.original.string.strip()
        if binding.key is None:
            if original.startswith("#"):
                comment.append(original.lstrip("#").strip())
            else:
                comment = []  # a blank line ends the comment block
            continue
        if binding.error or not _NAME.match(binding.key) or binding.key in seen:
            comment = []
            continue
        seen.add(binding.key)
        entry: dict[str, Any] = {"name": binding.key}
        described = " ".join(c for c in comment if c)
        if described:
            entry["description"] = described
        fmt = _guess_format(binding.key, binding.value or "") or _guess_from_name(binding.key)
        if fmt:
            entry["format"] = fmt
        entries.extend(_per_environment(entry, binding.value or "", others))
        comment = []
    return entries


def suggest_env_section(root: Path, others: Sequence[str] = ()) -> list[dict[str, Any]]:
    """``env.required`` entries for the project at ``root``: ``.env.example`` order first, then
    variables only the code reads (sorted). Each entry is valid against ``$defs/env_var``.
    ``others`` are the environments besides production the starter declares.
    """
    entries = _example_entries(root, others)
    reads: dict[str, list[EnvRead]] = defaultdict(list)
    for read in scan_tree(root).reads:
        if not ignored(read.name, ()):
            reads[read.name].append(read)
    for entry in entries:
        found = reads.get(entry["name"])
        if found and all(r.has_default for r in found):
            entry["optional"] = True
    known = {e["name"] for e in entries}
    for name in sorted(reads):
        if name in known:
            continue
        found = sorted(reads[name], key=lambda r: (r.path, r.line))
        entry = {"name": name, "description": f"Read in {found[0].path}:{found[0].line}."}
        fmt = _guess_from_name(name)
        if fmt:
            entry["format"] = fmt
        # Only CI reads it, or every read copes without it: do not make deploys fail on it.
        if all(r.has_default for r in found) or all(r.language == "workflow" for r in found):
            entry["optional"] = True
        entries.append(entry)
    return entries
