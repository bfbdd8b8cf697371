"""Drift between code and manifest: variables read but not declared, declared but never read."""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Mapping, Sequence

from launchgate.envcheck.codescan import EnvRead
from launchgate.envcheck.evaluate import CHECK
from launchgate.envcheck.spec import VarSpec
from launchgate.findings import Finding, Location, Severity, fingerprint_of

UNDECLARED = "env.undeclared-read"
UNUSED = "env.unused-declaration"
# Set by the platform, the shell or the toolchain, not by whoever deploys the app.
DEFAULT_IGNORE = (
    "GITHUB_*", "RUNNER_*", "ACTIONS_*", "CI", "HOME", "PATH", "PWD", "USER", "SHELL", "TERM",
    "LANG", "LC_*", "TZ", "TMPDIR", "TEMP", "TMP", "HOSTNAME", "NODE_ENV", "VIRTUAL_ENV",
    "PYTHONPATH", "PYTHONUNBUFFERED",
)  # fmt: skip
_SHOWN_PLACES = 3


def ignored(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in (*DEFAULT_IGNORE, *patterns))


def _places(reads: list[EnvRead]) -> str:
    shown = ", ".join(f"{r.path}:{r.line}" for r in reads[:_SHOWN_PLACES])
    more = len(reads) - _SHOWN_PLACES
    return shown + (f" and {more} more" if more > 0 else "")


def undeclared_reads(
    reads: Sequence[EnvRead], specs: Sequence[VarSpec], ignore: Sequence[str]
) -> list[Finding]:
    """One finding per variable the code reads that no ``env.required`` entry declares."""
    declared = {s.name for s in specs}
    by_name: dict[str, list[EnvRead]] = defaultdict(list)
    for read in reads:
        if read.name not in declared and not ignored(read.name, ignore):
            by_name[read.name].append(read)
    findings = []
    for name, places in sorted(by_name.items()):
        places.sort(key=lambda r: (r.path, r.line))
        first = places[0]
        findings.append(
            Finding(
                check=CHECK,
                rule=UNDECLARED,
                severity=Severity.MEDIUM,
                title=f"{name} is read by the code but not declared",
                message=(
                    f"{name} is read in {_places(places)} but launchready.yml does not declare "
                    "it, so no environment is checked for it."
                ),
                location=Location(path=first.path, line=first.line),
                remediation=(
                    f"Declare {name} under env.required (with its format and environments), or "
                    "add it to env.ignore if the platform provides it."
                ),
                fingerprint=fingerprint_of(CHECK, UNDECLARED, name),
                details={"variable": name, "reads": [f"{r.path}:{r.line}" for r in places]},
            )
        )
    return findings


def unused_declarations(
    reads: Sequence[EnvRead],
    specs: Sequence[VarSpec],
    declared_at: Mapping[int, Location],
    implicit: Mapping[str, str] | None = None,
) -> list[Finding]:
    """One finding per declared variable that nothing in the scanned code reads; ``implicit``
    names what a detected framework reads by itself (see :mod:`launchgate.envcheck.frameworks`)."""
    read = {r.name for r in reads} | set(implicit or {})
    findings = []
    seen: set[str] = set()
    for spec in specs:
        if spec.name in read or spec.name in seen:
            continue
        seen.add(spec.name)
        findings.append(
            Finding(
                check=CHECK,
                rule=UNUSED,
                severity=Severity.LOW,
                title=f"{spec.name} is declared but nothing reads it",
                message=(
                    f"{spec.name} is declared in launchready.yml but no scanned code or workflow "
                    "reads it (it may be read by a framework or a file type launchgate does not "
                    "scan)."
                ),
                location=declared_at.get(spec.index, Location()),
                remediation=(
                    f"Remove {spec.name} from env.required if it is no longer used, or suppress "
                    "this finding if a framework reads it implicitly."
                ),
                fingerprint=fingerprint_of(CHECK, UNUSED, spec.name),
                details={"variable": spec.name},
            )
        )
    return findings
