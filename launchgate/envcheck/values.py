"""Placeholder and production-unsafe value rules, loaded from ``kind: env`` rule packs.

The knowledge lives in ``checks/env-values.yml`` (and user packs named in the manifest's
``rules.packs``); this module only loads, validates and applies it. A pack whose own examples do
not hold is refused at load time, so a broken user rule fails loudly instead of silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from launchgate.checkapi import CheckError
from launchgate.envcheck.spec import looks_secret
from launchgate.findings import Severity
from launchgate.resources import rule_pack_paths
from launchgate.userregex import TextPattern, UnsafePatternError, compile_user
from launchgate.yamlguard import TooLargeError, load_bounded, read_capped

_LIST = re.compile(r"[^\s\"'{}\[\],]+(?:\s*,\s*[^\s\"'{}\[\],]+)+")
PLACEHOLDER = "placeholder"
PRODUCTION_UNSAFE = "production-unsafe"
CATEGORIES = (PLACEHOLDER, PRODUCTION_UNSAFE)
_RULE_KEYS = frozenset(
    {
        "id",
        "category",
        "severity",
        "production_severity",
        "description",
        "remediation",
        "names",
        "secret_only",
        "patterns",
        "examples",
    }
)


@dataclass(frozen=True)
class Example:
    value: str
    name: str | None = None


@dataclass(frozen=True)
class ValueRule:
    """One rule: if the variable's name fits and any pattern is found in the value, it fires."""

    id: str
    category: str
    severity: Severity
    production_severity: Severity
    description: str
    remediation: str
    patterns: tuple[TextPattern, ...]
    names: tuple[TextPattern, ...] = ()
    secret_only: bool = False
    positive: tuple[Example, ...] = ()
    negative: tuple[Example, ...] = ()
    pack: str = ""

    def applies(self, name: str, secret: bool) -> bool:
        if self.secret_only and not secret:
            return False
        return not self.names or any(n.fullmatch(name) for n in self.names)

    def matches(self, name: str, value: str, secret: bool) -> bool:
        if not self.applies(name, secret):
            return False
        # A list of hosts or URLs (CORS_ORIGINS=https://a.io,http://localhost:3000) is unsafe if
        # any item is; placeholders are judged on the whole value only.
        items = [value]
        if self.category == PRODUCTION_UNSAFE and _LIST.fullmatch(value):
            items += [item.strip() for item in value.split(",")]
        return any(p.search(item) for p in self.patterns for item in items)

    def severity_in(self, production: bool) -> Severity:
        return self.production_severity if production else self.severity

    def failing_examples(self) -> list[str]:
        """Descriptions of examples that do not behave as declared (empty when the rule holds)."""
        bad: list[str] = []
        for example, expect in [(e, True) for e in self.positive] + [
            (e, False) for e in self.negative
        ]:
            name = example.name or _example_name(self)
            secret = looks_secret(name) if example.name else True
            if self.matches(name, example.value, secret) is not expect:
                kind = "positive" if expect else "negative"
                wanted = "flagged" if expect else "passed"
                bad.append(f"{kind} example {example.value!r} is not {wanted}")
        return bad


def _example_name(rule: ValueRule) -> str:
    """A variable name the rule applies to, for examples given as plain values."""
    return "EXAMPLE_SECRET" if rule.secret_only else "EXAMPLE_VALUE"


def _fail(where: str, message: str) -> CheckError:
    return CheckError(f"env rule pack {where}: {message}")


def _compile(
    patterns: Any, where: str, trusted: bool, ignore_case: bool = False
) -> tuple[TextPattern, ...]:
    """Built-in packs use Python's ``re``; a user's pack runs on RE2 (linear time: userregex)."""
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise _fail(where, "expected a list of regular expressions")
    out: list[TextPattern] = []
    for pattern in patterns:
        try:
            if trusted:
                out.append(re.compile(pattern, re.IGNORECASE if ignore_case else 0))
            else:
                out.append(compile_user(pattern, ignore_case))
        except (re.error, UnsafePatternError) as exc:
            raise _fail(where, f"invalid regular expression {pattern!r}: {exc}") from None
    return tuple(out)


def _examples(raw: Any, where: str) -> tuple[Example, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail(where, "examples must be a list")
    out = []
    for item in raw:
        if isinstance(item, str | int | float | bool):
            out.append(Example(value=str(item)))
        elif isinstance(item, Mapping) and "value" in item:
            name = item.get("name")
            out.append(Example(value=str(item["value"]), name=str(name) if name else None))
        else:
            raise _fail(where, "each example is a string or a {name, value} mapping")
    return tuple(out)


def parse_rule(raw: Any, pack: str, trusted: bool = False) -> ValueRule:
    """Validate one rule mapping; errors name the pack and rule id."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise _fail(pack, "every rule needs an id")
    where = f"{pack} rule {raw['id']!r}"
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(unknown)}")
    for key in ("description", "remediation"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _fail(where, f"{key} is required")
    category = raw.get("category")
    if category not in CATEGORIES:
        raise _fail(where, f"category must be one of {', '.join(CATEGORIES)}")
    try:
        severity = Severity.parse(str(raw.get("severity", "high")))
        production = Severity.parse(str(raw.get("production_severity", severity.value)))
    except ValueError as exc:
        raise _fail(where, str(exc)) from None
    examples = raw.get("examples") or {}
    if not isinstance(examples, Mapping):
        raise _fail(where, "examples must be a mapping with positive and negative lists")
    rule = ValueRule(
        id=raw["id"],
        category=category,
        severity=severity,
        production_severity=production,
        description=raw["description"].strip(),
        remediation=raw["remediation"].strip(),
        patterns=_compile(raw.get("patterns"), where, trusted),
        names=_compile(raw["names"], where, trusted, ignore_case=True) if raw.get("names") else (),
        secret_only=bool(raw.get("secret_only", False)),
        positive=_examples(examples.get("positive"), where),
        negative=_examples(examples.get("negative"), where),
        pack=pack,
    )
    if not rule.positive:
        raise _fail(where, "needs at least one positive example")
    failures = rule.failing_examples()
    if failures:
        raise _fail(where, "; ".join(failures))
    return rule


def load_pack(path: Path, shown: str | None = None, trusted: bool = False) -> list[ValueRule]:
    """The ``kind: env`` rules of one pack file; packs of other kinds yield nothing."""
    shown = shown or str(path)
    try:
        data = load_bounded(read_capped(path))
    except OSError as exc:
        raise _fail(shown, f"cannot be read: {exc.strerror or exc}") from None
    except TooLargeError as exc:
        raise _fail(shown, str(exc)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _fail(shown, f"is not valid YAML: {exc}") from None
    if not isinstance(data, Mapping) or data.get("kind") != "env":
        return []
    rules = data.get("rules")
    if not isinstance(rules, list):
        raise _fail(shown, "rules must be a list")
    return [parse_rule(raw, shown, trusted) for raw in rules]


def load_rules(root: Path, user_packs: Sequence[str] = ()) -> list[ValueRule]:
    """Built-in packs, then the manifest's ``rules.packs`` (relative to the manifest)."""
    rules: list[ValueRule] = []
    for path in rule_pack_paths():
        rules.extend(load_pack(path, f"checks/{path.name}", trusted=True))
    for relative in user_packs:
        rules.extend(load_pack(root / relative, relative))
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            raise _fail(rule.pack, f"rule id {rule.id!r} is already defined in {seen[rule.id]}")
        seen[rule.id] = rule.pack
    return rules


def matching_rules(
    rules: Iterable[ValueRule], name: str, value: str, secret: bool, production: bool
) -> list[ValueRule]:
    """Rules that fire for this value here: placeholders anywhere, unsafe values in production."""
    return [
        r
        for r in rules
        if (r.category == PLACEHOLDER or production) and r.matches(name, value, secret)
    ]
