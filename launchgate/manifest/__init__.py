"""Load ``launchready.yml``: YAML -> validated, typed manifest, or errors at file:line:col.

PyYAML composes the node tree (which carries positions); we build the data from it, refuse
duplicate keys, validate against the published JSON Schema and map every schema error back to the
line of the offending key or value, with a "did you mean" for misspelt keys and values.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema

from launchgate.manifest.explain import kind_of, manifest_schema, problems_for
from launchgate.manifest.model import (
    MANIFEST_NAME,
    Environment,
    Manifest,
    ManifestError,
    ManifestProblem,
    Suppression,
    typed_manifest,
)
from launchgate.manifest.positions import MAX_BYTES, MAX_NODES, field_name, parse_yaml, read_text
from launchgate.manifest.semantics import semantic_problems

__all__ = [
    "MANIFEST_NAME",
    "MAX_BYTES",
    "MAX_NODES",
    "Environment",
    "Manifest",
    "ManifestError",
    "ManifestProblem",
    "Suppression",
    "load_manifest",
    "manifest_schema",
    "parse_manifest",
]


def parse_manifest(text: str, path: Path, shown: str | None = None) -> Manifest:
    """Validate manifest text; raises :class:`ManifestError` listing every problem."""
    shown = shown or str(path)
    data, pos, dupes = parse_yaml(text, shown)
    if data is None:
        raise ManifestError.about_file(
            shown, "is empty; expected a mapping starting with `version: 1`"
        )
    if not isinstance(data, dict):
        line, col = pos.of_value(()) or (None, None)
        message = f"expected a mapping of keys (version, routes, ...), got {kind_of(data)}"
        raise ManifestError.about_file(shown, message, line, col)
    problems = []
    for key_path, (line, col), message in dupes:
        problems.append(ManifestProblem(shown, line, col, field_name(key_path), message))
    validator = jsonschema.Draft202012Validator(manifest_schema())
    for error in validator.iter_errors(data):
        problems.extend(problems_for(error, shown, pos))
    if not problems:
        problems.extend(semantic_problems(data, shown, pos))
    if problems:
        unique = list(dict.fromkeys(problems))
        unique.sort(key=lambda p: (p.line or 0, p.column or 0, p.field))
        raise ManifestError(unique)
    return typed_manifest(path, data)


def load_manifest(path: Path) -> Manifest:
    """Read and validate the manifest at ``path``."""
    shown = str(path)
    text = read_text(path, shown)
    return parse_manifest(text, path.resolve(), shown)
