"""The security-header policy and session-cookie names, read from ``checks/smoke-headers.yml``.

The knowledge (which headers, which values pass, how severe) is data; this module only parses the
pack, evaluates one rule against a set of headers, and proves each rule's own examples.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from launchgate.checkapi import CheckError
from launchgate.findings import Severity
from launchgate.resources import data_dir

PACK = "smoke-headers.yml"
_MAX_AGE = re.compile(r"max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def max_age(value: str) -> int | None:
    """The ``max-age`` of a Cache-Control or Strict-Transport-Security value, if any."""
    found = _MAX_AGE.search(value)
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class Condition:
    header: str
    match: re.Pattern[str] | None = None
    min_max_age: int | None = None

    def holds(self, headers: Mapping[str, str]) -> bool:
        value = _get(headers, self.header)
        if value is None:
            return False
        if self.match is not None and not self.match.search(value):
            return False
        if self.min_max_age is not None:
            seconds = max_age(value)
            return seconds is not None and seconds >= self.min_max_age
        return True


@dataclass(frozen=True)
class HeaderRule:
    id: str
    rule: str  # the catalogue rule findings are reported under
    severity: Severity
    applies_to: str  # "html" or "all"
    https_only: bool
    requires: str | None
    any_of: tuple[Condition, ...]
    message: str
    fix: str  # what to send instead, shown as the finding's remediation
    positive: tuple[Mapping[str, str], ...]
    negative: tuple[Mapping[str, str], ...]

    def applies(self, *, html: bool, https: bool, headers: Mapping[str, str]) -> bool:
        if self.applies_to == "html" and not html:
            return False
        if self.https_only and not https:
            return False
        return self.requires is None or _get(headers, self.requires) is not None

    def fires(self, headers: Mapping[str, str]) -> bool:
        """True when the answer's headers break this rule (given that it applies)."""
        if self.requires is not None and _get(headers, self.requires) is None:
            return False
        return not any(c.holds(headers) for c in self.any_of)

    def failing_examples(self) -> list[str]:
        bad = [f"positive {dict(h)} does not fire" for h in self.positive if not self.fires(h)]
        bad += [f"negative {dict(h)} fires" for h in self.negative if self.fires(h)]
        return bad


@dataclass(frozen=True)
class Policy:
    headers: tuple[HeaderRule, ...]
    session_patterns: tuple[re.Pattern[str], ...]
    session_positive: tuple[str, ...]
    session_negative: tuple[str, ...]
    private_patterns: tuple[re.Pattern[str], ...] = ()
    private_positive: tuple[str, ...] = ()
    private_negative: tuple[str, ...] = ()

    def is_session_cookie(self, name: str) -> bool:
        return any(p.search(name) for p in self.session_patterns)

    def looks_private(self, path: str) -> bool:
        return any(p.search(path) for p in self.private_patterns)

    def failing_examples(self) -> list[str]:
        bad = [f"{r.id}: {problem}" for r in self.headers for problem in r.failing_examples()]
        bad += [
            f"session cookie {n!r} not recognised"
            for n in self.session_positive
            if not self.is_session_cookie(n)
        ]
        bad += [
            f"cookie {n!r} taken for a session cookie"
            for n in self.session_negative
            if self.is_session_cookie(n)
        ]
        bad += [
            f"path {p!r} not taken for private"
            for p in self.private_positive
            if not self.looks_private(p)
        ]
        bad += [
            f"path {p!r} taken for private" for p in self.private_negative if self.looks_private(p)
        ]
        return bad


def _get(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def _fail(message: str) -> CheckError:
    return CheckError(f"checks/{PACK}: {message}")


def _regex(text: Any, where: str) -> re.Pattern[str]:
    try:
        return re.compile(str(text), re.IGNORECASE)
    except re.error as exc:
        raise _fail(f"{where}: invalid regex {text!r}: {exc}") from None


def _condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("header"), str):
        raise _fail(f"{where}: each any_of entry needs a header")
    match = _regex(raw["match"], where) if "match" in raw else None
    minimum = raw.get("min_max_age")
    return Condition(raw["header"], match, int(minimum) if minimum is not None else None)


def _header_sets(raw: Any) -> tuple[Mapping[str, str], ...]:
    return tuple({str(k): str(v) for k, v in (item or {}).items()} for item in raw or ())


def _header_rule(raw: Any) -> HeaderRule:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        raise _fail("every header rule needs an id")
    where = raw["id"]
    try:
        severity = Severity.parse(str(raw.get("severity", "low")))
    except ValueError as exc:
        raise _fail(f"{where}: {exc}") from None
    examples = raw.get("examples") or {}
    return HeaderRule(
        id=where,
        rule=str(raw.get("rule", "smoke.security-header")),
        severity=severity,
        applies_to=str(raw.get("applies_to", "all")),
        https_only=bool(raw.get("https_only", False)),
        requires=raw.get("requires"),
        any_of=tuple(_condition(c, where) for c in raw.get("any_of") or ()),
        message=str(raw.get("message", where)),
        fix=str(raw.get("fix", "")),
        positive=_header_sets(examples.get("positive")),
        negative=_header_sets(examples.get("negative")),
    )


def parse_policy(data: Any) -> Policy:
    if not isinstance(data, Mapping) or data.get("kind") != "smoke-headers":
        raise _fail("kind must be smoke-headers")
    cookies = data.get("session_cookies") or {}
    examples = cookies.get("examples") or {}
    private = data.get("private_paths") or {}
    private_examples = private.get("examples") or {}
    return Policy(
        headers=tuple(_header_rule(r) for r in data.get("headers") or ()),
        session_patterns=tuple(_regex(p, "session_cookies") for p in cookies.get("patterns", ())),
        session_positive=tuple(str(n) for n in examples.get("positive") or ()),
        session_negative=tuple(str(n) for n in examples.get("negative") or ()),
        private_patterns=tuple(_regex(p, "private_paths") for p in private.get("patterns", ())),
        private_positive=tuple(str(p) for p in private_examples.get("positive") or ()),
        private_negative=tuple(str(p) for p in private_examples.get("negative") or ()),
    )


@functools.cache
def load_policy(path: Path | None = None) -> Policy:
    """The built-in policy (parsed once per process)."""
    path = path or data_dir("checks") / PACK
    try:
        return parse_policy(yaml.safe_load(path.read_text("utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(f"cannot be read: {exc}") from None
