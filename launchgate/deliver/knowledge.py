"""The launch-impact pack (``checks/launch-impact.yml``): what a rule means to a customer.

Data, not code: which rule ids form one family of risk, how a family's findings group into one
risk (and which family's risk they join when both are about the same thing), the plain-words
impact, the rough effort, and the words for each operations gap. A new
check's rules get their launch meaning by adding a family to the pack, not by editing the audit.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from launchgate.findings import Severity
from launchgate.resources import data_dir

PACK_KIND = "impact"
PACK_FILE = "launch-impact.yml"
GROUP_BY = ("host", "domain", "route", "path", "variable", "secret", "rule", "family", "finding")
EFFORTS = ("minutes", "hours", "a day", "days")


class ImpactPackError(ValueError):
    """The pack is malformed; names the file and the entry."""


@dataclass(frozen=True)
class Family:
    """One family of rules that share a launch impact."""

    id: str
    match: tuple[str, ...]
    group_by: str
    title: str
    impact: str
    effort: str
    details: Mapping[str, Any] = field(default_factory=dict)
    # Another family whose risk on the same key takes this family's findings (one risk, not two,
    # when one value is both a test key and malformed); on its own this family is its own risk.
    joins: str | None = None
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()

    def matches(self, rule: str, details: Mapping[str, Any]) -> bool:
        if not any(fnmatch.fnmatchcase(rule, pattern) for pattern in self.match):
            return False
        return all(details.get(k) == v for k, v in self.details.items())


@dataclass(frozen=True)
class GapText:
    """The words for one operations gap; when it applies is decided in :mod:`.gaps`."""

    id: str
    severity: Severity
    title: str
    impact: str
    fix: str
    effort: str


@dataclass(frozen=True)
class ImpactPack:
    families: tuple[Family, ...]
    gaps: Mapping[str, GapText]

    def family_of(self, rule: str, details: Mapping[str, Any] | None = None) -> Family:
        """The first family that fits; the pack's last family is a catch-all ``*``."""
        for family in self.families:
            if family.matches(rule, details or {}):
                return family
        raise ImpactPackError(f"no family in the impact pack matches {rule!r} (add a '*' family)")

    def gap(self, gap_id: str) -> GapText:
        try:
            return self.gaps[gap_id]
        except KeyError:
            raise ImpactPackError(f"the impact pack has no gap {gap_id!r}") from None


def _text(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ImpactPackError(f"{where}: '{key}' must be a non-empty string")
    return " ".join(value.split())


def _effort(item: Mapping[str, Any], where: str) -> str:
    effort = _text(item, "effort", where)
    if effort not in EFFORTS:
        raise ImpactPackError(f"{where}: effort {effort!r} is not one of {', '.join(EFFORTS)}")
    return effort


def _family(item: Any, where: str) -> Family:
    if not isinstance(item, Mapping):
        raise ImpactPackError(f"{where}: a family is a mapping")
    ident = _text(item, "id", where)
    where = f"{where} ({ident})"
    match = item.get("match")
    if not isinstance(match, list) or not match or not all(isinstance(m, str) for m in match):
        raise ImpactPackError(f"{where}: 'match' must be a non-empty list of rule-id globs")
    group_by = item.get("group_by")
    if group_by not in GROUP_BY:
        raise ImpactPackError(f"{where}: group_by must be one of {', '.join(GROUP_BY)}")
    details = item.get("details") or {}
    joins = item.get("joins")
    if joins is not None and (not isinstance(joins, str) or joins == ident):
        raise ImpactPackError(f"{where}: 'joins' must name another family")
    examples = item.get("examples") or {}
    if not isinstance(details, Mapping) or not isinstance(examples, Mapping):
        raise ImpactPackError(f"{where}: 'details' and 'examples' must be mappings")
    return Family(
        id=ident,
        match=tuple(match),
        group_by=str(group_by),
        title=_text(item, "title", where),
        impact=_text(item, "impact", where),
        effort=_effort(item, where),
        details=dict(details),
        joins=joins,
        positive=tuple(str(x) for x in examples.get("positive") or ()),
        negative=tuple(str(x) for x in examples.get("negative") or ()),
    )


def _gap(item: Any, where: str) -> GapText:
    if not isinstance(item, Mapping):
        raise ImpactPackError(f"{where}: a gap is a mapping")
    ident = _text(item, "id", where)
    where = f"{where} ({ident})"
    try:
        severity = Severity.parse(_text(item, "severity", where))
    except ValueError as exc:
        raise ImpactPackError(f"{where}: {exc}") from None
    return GapText(
        id=ident,
        severity=severity,
        title=_text(item, "title", where),
        impact=_text(item, "impact", where),
        fix=_text(item, "fix", where),
        effort=_effort(item, where),
    )


def parse_pack(data: Any, source: str) -> ImpactPack:
    if not isinstance(data, Mapping) or data.get("kind") != PACK_KIND:
        raise ImpactPackError(f"{source}: not an impact pack (kind: {PACK_KIND})")
    families = data.get("families")
    gaps = data.get("gaps")
    if not isinstance(families, list) or not isinstance(gaps, list):
        raise ImpactPackError(f"{source}: 'families' and 'gaps' must be lists")
    parsed = tuple(_family(item, f"{source}: families[{i}]") for i, item in enumerate(families))
    gap_texts = [_gap(item, f"{source}: gaps[{i}]") for i, item in enumerate(gaps)]
    ids = [f.id for f in parsed] + [g.id for g in gap_texts]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ImpactPackError(f"{source}: duplicate ids {', '.join(duplicates)}")
    _check_joins(parsed, source)
    return ImpactPack(families=parsed, gaps={g.id: g for g in gap_texts})


def _check_joins(families: tuple[Family, ...], source: str) -> None:
    """A family joins an existing family that groups the same way (so the keys compare) and
    that itself joins nobody (one hop, no cycles)."""
    by_id = {f.id: f for f in families}
    for family in families:
        if family.joins is None:
            continue
        target = by_id.get(family.joins)
        where = f"{source}: family {family.id}"
        if target is None:
            raise ImpactPackError(f"{where}: joins unknown family {family.joins!r}")
        if target.group_by != family.group_by:
            raise ImpactPackError(
                f"{where}: joins {target.id}, which groups by {target.group_by}, "
                f"not {family.group_by}"
            )
        if target.joins is not None:
            raise ImpactPackError(f"{where}: joins {target.id}, which itself joins another")


def load_pack(path: Path) -> ImpactPack:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ImpactPackError(f"{path}: cannot read the impact pack: {exc}") from None
    return parse_pack(data, str(path))


@cache
def builtin_pack() -> ImpactPack:
    return load_pack(data_dir("checks") / PACK_FILE)
