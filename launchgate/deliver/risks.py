"""Findings -> risks: group related findings into one risk and rank risks by launch impact.

Ten missing headers on one host are one risk with ten pieces of evidence; one leaked key found
in three files is one risk (it is rotated once). How findings group is the impact pack's
``group_by``; a family that ``joins`` another adds its findings to that family's risk on the
same key (a Stripe test key that also fails the declared pattern is one risk). The ranking is
severity first, then the pack's family order (which lists the families roughly by customer
impact), then how many findings the risk gathers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from launchgate.deliver.knowledge import Family, ImpactPack
from launchgate.findings import Severity, fingerprint_of

MAX_EVIDENCE = 8
MAX_FIXES = 3


@dataclass(frozen=True)
class Risk:
    """One thing that can hurt the launch, from findings or from a gap in the plan."""

    id: str
    source: str  # "finding" or "gap"
    family: str
    key: str
    severity: Severity
    title: str
    impact: str
    effort: str
    fixes: tuple[str, ...]
    evidence: tuple[str, ...]
    count: int
    rules: tuple[str, ...] = ()
    order: int = 0  # the family's position in the pack (lower is more customer-visible)

    def rank_key(self) -> tuple[int, int, int, int, str, str]:
        gap_last = 1 if self.source == "gap" else 0
        return (-self.severity.rank, gap_last, self.order, -self.count, self.title, self.id)


def location_host(location: Mapping[str, Any]) -> str | None:
    """The host a finding is about: of its URL, else its domain."""
    url = location.get("url")
    if isinstance(url, str) and url:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if host:
            return host
    domain = location.get("domain")
    return str(domain).rstrip(".").lower() if domain else None


def group_key(family: Family, finding: Mapping[str, Any]) -> tuple[str, str]:
    """(grouping key, the words shown for it) for a finding in ``family``."""
    location: Mapping[str, Any] = finding.get("location") or {}
    details: Mapping[str, Any] = finding.get("details") or {}
    rule = str(finding["rule"])
    how = family.group_by
    if how == "host":
        shown = location_host(location) or location.get("route") or "the site"
    elif how == "domain":
        shown = location.get("domain") or location_host(location) or "the domain"
    elif how == "route":
        shown = location.get("route") or location.get("url") or location_host(location) or "a route"
    elif how == "path":
        shown = location.get("path") or "the repository"
    elif how == "variable":
        shown = details.get("variable") or location.get("path") or rule
    elif how == "secret":
        # One leaked value is one risk wherever it appears: keyed on rule and redacted form.
        marker = details.get("redacted") or finding["fingerprint"]
        name = rule.split(".", 1)[-1]
        return f"{rule}\x1f{marker}", name
    elif how == "rule":
        shown = rule
    elif how == "family":
        shown = family.id
    else:
        return str(finding["fingerprint"]), rule
    return str(shown), str(shown)


def evidence_line(finding: Mapping[str, Any]) -> str:
    """``where: message`` in one line, the way a reviewer reads it."""
    location: Mapping[str, Any] = finding.get("location") or {}
    where = []
    if location.get("path"):
        place = str(location["path"])
        if location.get("line"):
            place += f":{location['line']}"
        where.append(place)
    if location.get("commit"):
        where.append(f"commit {str(location['commit'])[:12]}")
    for key in ("route", "url", "domain"):
        if location.get(key) and str(location[key]) not in where:  # an ad hoc route is its URL
            where.append(str(location[key]))
    message = " ".join(str(finding.get("message") or finding.get("title") or "").split())
    return f"{' '.join(where)}: {message}" if where else message


def _title(template: str, key: str, count: int) -> str:
    return template.replace("{key}", key).replace("{count}", str(count))


def risks_from_findings(findings: Iterable[Mapping[str, Any]], pack: ImpactPack) -> list[Risk]:
    """Group findings by (family, key); each group becomes one risk at its worst severity."""
    order = {family.id: i for i, family in enumerate(pack.families)}
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    shown: dict[tuple[str, str], str] = {}
    families: dict[str, Family] = {}
    for finding in findings:
        family = pack.family_of(str(finding["rule"]), finding.get("details") or {})
        key, words = group_key(family, finding)
        groups.setdefault((family.id, key), []).append(finding)
        shown.setdefault((family.id, key), words)
        families[family.id] = family
    _join(groups, families)
    risks = []
    for (family_id, key), members in groups.items():
        family = families[family_id]
        members.sort(key=lambda f: (-Severity(f["severity"]).rank, f["rule"], evidence_line(f)))
        members = _distinct(members)
        severity = Severity(members[0]["severity"])
        lines = [evidence_line(f) for f in members]
        if len(lines) > MAX_EVIDENCE:
            lines = [*lines[:MAX_EVIDENCE], f"... and {len(lines) - MAX_EVIDENCE} more"]
        fixes = list(dict.fromkeys(str(f["remediation"]) for f in members if f["remediation"]))
        if len(fixes) > MAX_FIXES:
            fixes = [*fixes[:MAX_FIXES], f"... and {len(fixes) - MAX_FIXES} more like these"]
        risks.append(
            Risk(
                id=fingerprint_of("risk", family_id, key)[:16],
                source="finding",
                family=family_id,
                key=shown[(family_id, key)],
                severity=severity,
                title=_title(family.title, shown[(family_id, key)], len(members)),
                impact=family.impact,
                effort=family.effort,
                fixes=tuple(fixes),
                evidence=tuple(lines),
                count=len(members),
                rules=tuple(sorted({str(f["rule"]) for f in members})),
                order=order[family_id],
            )
        )
    return rank(risks)


def _distinct(members: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One finding per observation: a rule's findings with the same message at the same URL or
    file (smoke reports a redirect loop both for the URL it was given and for the host's edge)
    count once; the first, worst one is kept."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for finding in members:
        location: Mapping[str, Any] = finding.get("location") or {}
        place = (str(location.get(k, "")) for k in ("url", "path", "line", "commit"))
        said = (
            str(finding["rule"]),
            " ".join(str(finding.get("message") or "").split()),
            *place,
        )
        if said not in seen:
            seen.add(said)
            out.append(finding)
    return out


def _join(
    groups: dict[tuple[str, str], list[Mapping[str, Any]]], families: Mapping[str, Family]
) -> None:
    """Move each joining family's group into its target family's group on the same key."""
    for family_id, key in list(groups):
        target = families[family_id].joins
        if target is not None and (target, key) in groups:
            groups[(target, key)].extend(groups.pop((family_id, key)))


def rank(risks: Iterable[Risk]) -> list[Risk]:
    return sorted(risks, key=Risk.rank_key)
