"""The same secret value in two environments, found by comparing keyed hashes.

The hash key is random per run and never leaves the process, so the digests cannot be used to
guess a value offline; no value or digest is put in a finding.
"""

from __future__ import annotations

import secrets as _random
from collections import defaultdict
from collections.abc import Callable, Iterable

from launchgate.envcheck.evaluate import CHECK, Sighting
from launchgate.envcheck.sources import PROCESS
from launchgate.findings import Finding, Location, Severity, fingerprint_of
from launchgate.redact import value_hash

SHARED_VALUE_RULE = "env.same-secret-across-environments"


def run_digest() -> Callable[[str], str]:
    """A keyed hash whose key exists only for this run."""
    key = _random.token_bytes(32)
    return lambda value: value_hash(value, key=key)


def _evidence(group: list[Sighting]) -> bool:
    """Two environments share the value, and not merely because both read this process's env."""
    for i, first in enumerate(group):
        for second in group[i + 1 :]:
            both_process = first.source.kind == PROCESS and second.source.kind == PROCESS
            if first.environment != second.environment and not both_process:
                return True
    return False


def _describe(sighting: Sighting) -> str:
    where = sighting.source.describe()
    if sighting.line:
        where += f":{sighting.line}"
    return f"{sighting.variable} in {sighting.environment} ({where})"


def same_secret_findings(sightings: Iterable[Sighting], checked: set[str]) -> list[Finding]:
    """One finding per shared value, when at least one of its environments is being checked."""
    groups: dict[str, list[Sighting]] = defaultdict(list)
    for sighting in sightings:
        groups[sighting.digest].append(sighting)
    findings = []
    for group in groups.values():
        envs = sorted({s.environment for s in group})
        if len(envs) < 2 or not checked & set(envs) or not _evidence(group):
            continue
        group.sort(key=lambda s: (s.environment, s.variable, s.source.describe()))
        names = sorted({s.variable for s in group})
        anchor = next((s for s in group if s.source.path), group[0])
        location = (
            Location(path=anchor.source.path, line=anchor.line)
            if anchor.source.path
            else Location()
        )
        subject = names[0] if len(names) == 1 else " / ".join(names)
        findings.append(
            Finding(
                check=CHECK,
                rule=SHARED_VALUE_RULE,
                severity=Severity.HIGH,
                title=f"{subject} has the same value in {' and '.join(envs)}",
                message=(
                    f"{'; '.join(_describe(s) for s in group)} hold the same value (compared by "
                    "keyed hash; the value is not shown). A leak from one environment exposes "
                    "the others, and test traffic can reach real data."
                ),
                location=location,
                remediation=(
                    "Issue a separate credential per environment and rotate the shared one."
                ),
                fingerprint=fingerprint_of(
                    CHECK, SHARED_VALUE_RULE, ",".join(envs), ",".join(names)
                ),
                details={"variables": names, "environments": envs},
            )
        )
    return findings
