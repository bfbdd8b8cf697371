"""What the manifest declares about variables, as typed objects the rest of the check uses."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from launchgate.checkapi import CheckError
from launchgate.envcheck.formats import FormatRules, allowed_schemes
from launchgate.userregex import TextPattern, UnsafePatternError, compile_user

# Word parts that mark a variable as holding a credential. Matched against the name split on
# underscores (and camel case), so MONKEY_COUNT is not a secret but API_KEY and DB_PASS are.
_SECRET_WORDS = frozenset(
    {
        "KEY",
        "SECRET",
        "SECRETS",
        "TOKEN",
        "TOKENS",
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "PASSPHRASE",
        "CREDENTIAL",
        "CREDENTIALS",
        "CREDS",
        "PRIVATE",
        "APIKEY",
        "SALT",
        "SIGNATURE",
        "DSN",
        "WEBHOOK",
    }
)
_NOT_SECRET_WORDS = frozenset({"PUBLIC", "PUBLISHABLE", "ID", "NAME", "USER", "USERNAME", "PATH"})
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")


def looks_secret(name: str) -> bool:
    """Does the name suggest a credential (API_KEY, DB_PASSWORD, authToken...)?

    ``STRIPE_PUBLISHABLE_KEY`` and ``GITHUB_CLIENT_ID`` are not secrets; ``*_PATH``/``*_FILE``
    name where a secret lives, not the secret.
    """
    words = [w.upper() for w in _WORD_SPLIT.split(name) if w]
    if not words or words[-1] in {"FILE", "PATH", "DIR", "URL_PATH"}:
        return False
    if any(w in _NOT_SECRET_WORDS for w in words):
        return False
    return any(w in _SECRET_WORDS or w.endswith(("KEY", "TOKEN", "SECRET")) for w in words)


@dataclass(frozen=True)
class VarSpec:
    """One declared variable (a manifest ``env.required`` entry)."""

    name: str
    index: int
    environments: tuple[str, ...] = ()
    optional: bool = False
    required_if: str | None = None
    secret: bool = False
    format: str | None = None
    schemes: tuple[str, ...] = ()
    production_schemes: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    values: tuple[str, ...] = ()
    pattern: TextPattern | None = None
    min_length: int | None = None
    description: str = ""

    def applies_to(self, environment: str | None) -> bool:
        """Declared for this environment (all of them when ``environments`` is omitted)."""
        return not self.environments or environment in self.environments

    def rules(self, production: bool) -> FormatRules:
        return FormatRules(
            schemes=allowed_schemes(self.schemes, self.production_schemes, production),
            min=self.min,
            max=self.max,
            values=self.values,
            pattern=self.pattern,
            min_length=self.min_length,
        )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, Sequence) else ()


def parse_var(raw: Mapping[str, Any], index: int) -> VarSpec:
    """Build a :class:`VarSpec`; a bad ``pattern`` is a :class:`CheckError` naming the variable."""
    name = str(raw["name"])
    pattern = None
    if raw.get("pattern"):
        try:
            pattern = compile_user(str(raw["pattern"]))
        except UnsafePatternError as exc:
            raise CheckError(
                f"env.required[{index}] ({name}): pattern is not a valid regular expression: {exc}"
            ) from None
    secret = raw.get("secret")
    return VarSpec(
        name=name,
        index=index,
        environments=_strings(raw.get("environments")),
        optional=bool(raw.get("optional", False)),
        required_if=raw.get("required_if"),
        secret=looks_secret(name) if secret is None else bool(secret),
        format=raw.get("format"),
        schemes=_strings(raw.get("schemes")),
        production_schemes=_strings(raw.get("production_schemes")),
        min=raw.get("min"),
        max=raw.get("max"),
        values=_strings(raw.get("values")),
        pattern=pattern,
        min_length=raw.get("min_length"),
        description=str(raw.get("description") or ""),
    )


def declared_vars(section: Mapping[str, Any]) -> list[VarSpec]:
    return [parse_var(raw, i) for i, raw in enumerate(section.get("required") or [])]


def declaration_lines(manifest_text: str) -> dict[int, int]:
    """Line of each ``env.required[i]`` entry in the manifest text (1-based), for locations."""
    try:
        root = yaml.compose(manifest_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[int, int] = {}
    env = _child(root, "env")
    required = _child(env, "required")
    if isinstance(required, yaml.SequenceNode):
        for i, item in enumerate(required.value):
            name = _child(item, "name")
            lines[i] = (name or item).start_mark.line + 1
    return lines


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found: yaml.Node = value_node
            return found
    return None
