"""The audit: go/no-go first, then every risk ranked by launch impact (pure; no I/O).

NO-GO when a risk reaches ``fail_on`` or a check could not run (could not check is never a
pass). A check the manifest calls for that did not run (absent, or a skipped row) is named
beside the verdict, so "GO" never silently means "GO on half the evidence"; and when no check
ran at all the verdict is SKIPPED, never GO.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from launchgate.deliver.evidence import CheckRun, Evidence
from launchgate.deliver.gaps import operations_gaps
from launchgate.deliver.knowledge import ImpactPack
from launchgate.deliver.risks import Risk, rank, risks_from_findings
from launchgate.findings import SEVERITIES, Severity

# Manifest sections -> the checks that read them (secrets always runs).
EXPECTED_CHECKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("env", ("env",)),
    ("secrets", ()),
    ("smoke", ("routes", "domains")),
    ("perf", ("routes",)),
    ("dns", ("domains", "email")),
)


@dataclass(frozen=True)
class Audit:
    project: str
    go: bool
    verdict: str
    fail_on: Severity
    risks: tuple[Risk, ...]
    checks: tuple[CheckRun, ...]
    not_run: tuple[str, ...]
    sources: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in SEVERITIES}
        for risk in self.risks:
            counts[risk.severity.value] += 1
        return counts


def expected_checks(data: Mapping[str, Any]) -> list[str]:
    return [
        check
        for check, sections in EXPECTED_CHECKS
        if not sections or any(name in data for name in sections)
    ]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def verdict_line(
    go: bool,
    counts: Mapping[str, int],
    errored: list[str],
    not_run: list[str],
    checked: bool = True,
) -> str:
    """``NO-GO: 2 launch blockers, 1 high; could not run: dns``, ``GO: no risk ...``, or
    ``SKIPPED: nothing was checked; ...`` when no check ran and no gap blocks the launch."""
    parts = []
    for sev in SEVERITIES:
        n = counts.get(sev.value, 0)
        if n and sev is not Severity.INFO:
            parts.append(_plural(n, "launch blocker") if sev is Severity.BLOCKER else f"{n} {sev}")
    text = ", ".join(parts) if parts else "no risk above info"
    if errored:
        text += f"; could not run: {', '.join(errored)}"
    if not_run:
        text += f"; not checked: {', '.join(not_run)}"
    if not go and not checked:
        return f"SKIPPED: nothing was checked; {text}"
    return f"{'GO' if go else 'NO-GO'}: {text}"


def build_audit(
    data: Mapping[str, Any],
    evidence: Evidence,
    pack: ImpactPack,
    fail_on: Severity | None = None,
) -> Audit:
    declared = data.get("fail_on")
    threshold = (
        fail_on
        or (Severity.parse(str(declared)) if declared else None)
        or evidence.fail_on
        or Severity.HIGH
    )
    risks = rank([*risks_from_findings(evidence.findings, pack), *operations_gaps(data, pack)])
    errored = sorted(c.id for c in evidence.errored)
    ran = {c.id for c in evidence.checks.values() if c.status != "skipped" and c.id != "manifest"}
    not_run = [c for c in expected_checks(data) if c not in ran]
    blocked = any(r.severity.at_least(threshold) for r in risks)
    go = bool(ran) and not errored and not blocked
    counts = {s.value: 0 for s in SEVERITIES}
    for risk in risks:
        counts[risk.severity.value] += 1
    project = data.get("project")
    return Audit(
        project=str(project) if project else "this project",
        go=go,
        verdict=verdict_line(go, counts, errored, not_run, checked=bool(ran) or blocked),
        fail_on=threshold,
        risks=tuple(risks),
        checks=tuple(evidence.checks[c] for c in sorted(evidence.checks)),
        not_run=tuple(not_run),
        sources=evidence.sources,
    )


def above(audit: Audit) -> list[Risk]:
    """Risks that decide the verdict (at or above fail_on)."""
    return [r for r in audit.risks if r.severity.at_least(audit.fail_on)]
