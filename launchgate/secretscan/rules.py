"""Rule packs for the secrets check: YAML data in ``checks/`` (and the user's own packs).

A pack is a YAML mapping with a top-level ``kind``; packs of other kinds belong to other checks
and are ignored here, so every check can keep its knowledge in the same directory::

    kind: secrets
    name: launchgate/cloud
    rules:        # detectors: regex (or a detect-secrets plugin), keywords, entropy, examples
    allow:        # allowlist entries: values, value/line patterns, path globs

Rules carry their own positive and negative examples; the test suite runs every one of them.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from launchgate.findings import Severity
from launchgate.resources import data_dir, rule_pack_paths
from launchgate.secretscan import shapes
from launchgate.userregex import TextPattern, UnsafePatternError, compile_user
from launchgate.yamlguard import TooLargeError, load_bounded, read_capped

PACK_KIND = "secrets"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it
_RULE_ID = re.compile(r"^secrets\.[a-z0-9][a-z0-9.-]*$")
_RULE_KEYS = {
    "id",
    "title",
    "description",
    "severity",
    "remediation",
    "keywords",
    "regex",
    "plugin",
    "entropy",
    "min_length",
    "min_char_classes",
    "generic",
    "multiline",
    "paths",
    "validate",
    "proof",
    "examples",
}
_ALLOW_KEYS = {
    "id",
    "description",
    "values",
    "value_regex",
    "line_regex",
    "paths",
    "rules",
    "yields_to_proof",
    "examples",
}


class RulePackError(Exception):
    """A rule pack is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Example:
    """One example line; ``secret`` is the value a positive example must yield, when given."""

    line: str
    secret: str | None = None
    path: str = "example.txt"


@dataclass(frozen=True)
class SecretRule:
    """A detector: either ``regex`` (group ``secret`` or the whole match) or a ds ``plugin``."""

    id: str
    title: str
    severity: Severity
    remediation: str
    keywords: tuple[str, ...]
    regex: str | None = None
    plugin: str | None = None
    description: str = ""
    entropy: float = 0.0
    min_length: int = 0
    min_char_classes: int = 0
    generic: bool = False
    multiline: bool = False
    paths: tuple[str, ...] = ()  # only in files these globs match; no keywords: every line
    validate: str | None = None  # a named check in ``shapes`` the value must pass
    proof: str | None = None  # a named check in ``shapes`` that says the value is real
    positive: tuple[Example, ...] = ()
    negative: tuple[Example, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class AllowEntry:
    """Something that looks like a secret but is not; every given condition must hold."""

    id: str
    description: str = ""
    values: frozenset[str] = frozenset()
    value_regex: str | None = None
    line_regex: str | None = None
    paths: tuple[str, ...] = ()
    rules: str | tuple[str, ...] = "all"  # "all", "generic", or rule-id globs
    yields_to_proof: bool = False  # never drops a value its rule's ``proof`` says is real
    examples: tuple[Example, ...] = ()
    source: str = ""

    def applies_to(self, rule: SecretRule) -> bool:
        if self.rules == "all":
            return True
        if self.rules == "generic":
            return rule.generic
        return any(fnmatch.fnmatchcase(rule.id, pattern) for pattern in self.rules)


@dataclass(frozen=True)
class RuleSet:
    """Every rule and allowlist entry in force, specific rules before generic ones."""

    rules: tuple[SecretRule, ...]
    allow: tuple[AllowEntry, ...]
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> SecretRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def load_rules(extra: Iterable[Path] = ()) -> RuleSet:
    """The built-in packs plus ``extra`` (the manifest's ``rules.packs``); later ids override."""
    by_id: dict[str, SecretRule] = {}
    allow: dict[str, AllowEntry] = {}
    sources: list[str] = []
    for path in [*rule_pack_paths(), *extra]:
        pack = read_pack(path)
        if pack is None:
            continue
        sources.append(str(path))
        rules, entries = pack
        for rule in rules:
            by_id[rule.id] = rule
        for entry in entries:
            allow[entry.id] = entry
    # Stable sort: rules scoped to file paths first (they know the file's format), generic last.
    ordered = sorted(by_id.values(), key=lambda r: (r.generic, not r.paths))
    return RuleSet(rules=tuple(ordered), allow=tuple(allow.values()), sources=tuple(sources))


def read_pack(path: Path) -> tuple[list[SecretRule], list[AllowEntry]] | None:
    """Parse one pack file; None when it belongs to another check (another ``kind``)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read rule pack: {exc.strerror or exc}") from None
    # The check, its rule catalogue and every worker read the same packs: parse each version once.
    cached = _read_pack(path, stat.st_mtime_ns, stat.st_size)
    return None if cached is None else (list(cached[0]), list(cached[1]))


@functools.lru_cache(maxsize=64)
def _read_pack(
    path: Path, _mtime_ns: int, _size: int
) -> tuple[tuple[SecretRule, ...], tuple[AllowEntry, ...]] | None:
    try:
        data = load_bounded(read_capped(path), _LOADER)
    except OSError as exc:
        raise RulePackError(f"{path}: cannot read rule pack: {exc.strerror or exc}") from None
    except TooLargeError as exc:
        raise RulePackError(f"{path}: rule pack {exc}") from None
    except yaml.YAMLError as exc:
        raise RulePackError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping) or "kind" not in data:
        raise RulePackError(f"{path}: a rule pack is a mapping with a 'kind' key")
    if data["kind"] != PACK_KIND:
        return None
    src = str(path)
    rules = [_rule(item, src, i) for i, item in enumerate(_list(data, "rules", src))]
    entries = [_allow(item, src, i) for i, item in enumerate(_list(data, "allow", src))]
    seen: set[str] = set()
    for ident in [r.id for r in rules] + [e.id for e in entries]:
        if ident in seen:
            raise RulePackError(f"{src}: duplicate id {ident!r}")
        seen.add(ident)
    return tuple(rules), tuple(entries)


def _list(data: Mapping[str, Any], key: str, src: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise RulePackError(f"{src}: {key!r} must be a list")
    return value


def _where(src: str, item: Any, index: int) -> str:
    ident = item.get("id") if isinstance(item, Mapping) else None
    return f"{src}: {ident or f'entry #{index + 1}'}"


def _check_keys(item: Any, allowed: set[str], where: str) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        raise RulePackError(f"{where}: must be a mapping")
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise RulePackError(f"{where}: unknown field(s) {', '.join(unknown)}")
    return item


@functools.lru_cache(maxsize=256)
def is_builtin_pack(source: str) -> bool:
    """Packs shipped with launchgate are reviewed; any other pack may come from a pull request.
    (Cached: asked for every rule of every pack, and resolving a path costs a few stats.)"""
    return Path(source).resolve().parent == data_dir("checks").resolve()


def compile_pattern(pattern: str, source: str) -> TextPattern:
    """Python's ``re`` for built-in packs (they use lookaround); RE2 for a user's pack, so that
    no pattern in a pull request can take exponential time (see launchgate.userregex)."""
    return re.compile(pattern) if is_builtin_pack(source) else compile_user(pattern)


def _compile(pattern: Any, where: str, field: str, source: str) -> str:
    if not isinstance(pattern, str) or not pattern:
        raise RulePackError(f"{where}: {field} must be a non-empty string")
    try:
        compile_pattern(pattern, source)
    except (re.error, UnsafePatternError) as exc:
        raise RulePackError(f"{where}: {field} does not compile: {exc}") from None
    return pattern


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RulePackError(f"{where}: {field} must be a list of non-empty strings")
    return tuple(value)


def _examples(value: Any, where: str) -> tuple[Example, ...]:
    out: list[Example] = []
    for item in value or []:
        if isinstance(item, str):
            out.append(Example(line=item))
        elif isinstance(item, Mapping) and isinstance(item.get("line"), str):
            out.append(
                Example(
                    line=item["line"],
                    secret=item.get("secret"),
                    path=str(item.get("path") or "example.txt"),
                )
            )
        else:
            raise RulePackError(f"{where}: an example is a string or {{line, secret, path}}")
    return tuple(out)


def _rule(item: Any, src: str, index: int) -> SecretRule:
    where = _where(src, item, index)
    data = _check_keys(item, _RULE_KEYS, where)
    for key in ("id", "title", "severity", "remediation", "keywords"):
        if key not in data:
            raise RulePackError(f"{where}: missing required field {key!r}")
    rule_id = str(data["id"])
    if not _RULE_ID.match(rule_id):
        raise RulePackError(f"{where}: id must look like secrets.some-name")
    if ("regex" in data) == ("plugin" in data):
        raise RulePackError(f"{where}: give exactly one of 'regex' or 'plugin'")
    try:
        severity = Severity.parse(str(data["severity"]))
    except ValueError as exc:
        raise RulePackError(f"{where}: {exc}") from None
    keywords = tuple(k.lower() for k in _strings(data["keywords"], where, "keywords"))
    paths = _strings(data.get("paths"), where, "paths")
    if not keywords and not paths:
        raise RulePackError(
            f"{where}: at least one keyword is needed (it routes lines here), unless the rule "
            "has paths (then every line of those files reaches it)"
        )
    for field, check in (("validate", shapes.validator), ("proof", shapes.proof)):
        if field in data:
            try:
                check(str(data[field]))
            except ValueError as exc:
                raise RulePackError(f"{where}: {exc}") from None
    examples = data.get("examples") or {}
    if not isinstance(examples, Mapping):
        raise RulePackError(f"{where}: examples must be a mapping with positive/negative")
    positive = _examples(examples.get("positive"), where)
    if not positive:
        raise RulePackError(f"{where}: a rule ships with at least one positive example")
    return SecretRule(
        id=rule_id,
        title=str(data["title"]),
        severity=severity,
        remediation=str(data["remediation"]).strip(),
        keywords=keywords,
        regex=_compile(data["regex"], where, "regex", src) if "regex" in data else None,
        plugin=str(data["plugin"]) if "plugin" in data else None,
        description=str(data.get("description") or "").strip(),
        entropy=float(data.get("entropy") or 0.0),
        min_length=int(data.get("min_length") or 0),
        min_char_classes=int(data.get("min_char_classes") or 0),
        generic=bool(data.get("generic", False)),
        multiline=bool(data.get("multiline", False)),
        paths=paths,
        validate=str(data["validate"]) if "validate" in data else None,
        proof=str(data["proof"]) if "proof" in data else None,
        positive=positive,
        negative=_examples(examples.get("negative"), where),
        source=src,
    )


def _allow(item: Any, src: str, index: int) -> AllowEntry:
    where = _where(src, item, index)
    data = _check_keys(item, _ALLOW_KEYS, where)
    if "id" not in data:
        raise RulePackError(f"{where}: missing required field 'id'")
    conditions = ("values", "value_regex", "line_regex", "paths")
    if not any(data.get(k) for k in conditions):
        raise RulePackError(f"{where}: needs at least one of {', '.join(conditions)}")
    scope: Any = data.get("rules", "all")
    if isinstance(scope, list):
        scope = _strings(scope, where, "rules")
    elif scope not in ("all", "generic"):
        raise RulePackError(f"{where}: rules is 'all', 'generic' or a list of rule-id globs")
    return AllowEntry(
        id=str(data["id"]),
        description=str(data.get("description") or "").strip(),
        values=frozenset(_strings(data.get("values"), where, "values")),
        value_regex=_compile(data["value_regex"], where, "value_regex", src)
        if data.get("value_regex")
        else None,
        line_regex=_compile(data["line_regex"], where, "line_regex", src)
        if data.get("line_regex")
        else None,
        paths=_strings(data.get("paths"), where, "paths"),
        rules=scope,
        yields_to_proof=bool(data.get("yields_to_proof", False)),
        examples=_examples(data.get("examples"), where),
        source=src,
    )


def user_pack_paths(manifest_root: Path, packs: Sequence[str]) -> list[Path]:
    """Manifest ``rules.packs`` entries resolved against the manifest's directory."""
    return [(manifest_root / p).resolve() for p in packs]
