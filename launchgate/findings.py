"""The findings model: what every check returns and every reporter renders.

Frozen dataclasses so a finding cannot change between the check that made it and the reporters
that print it. Values of secrets never enter this model: checks put redacted forms in messages.
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Severity words from the field; ``blocker`` means a launch blocker."""

    BLOCKER = "blocker"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: blocker 4 ... info 0."""
        return _RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank

    @classmethod
    def parse(cls, word: str) -> Severity:
        try:
            return cls(word.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {word!r}; expected one of {choices}") from None


_RANK = {
    Severity.BLOCKER: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}

SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))


class CheckStatus(StrEnum):
    PASS = "pass"  # noqa: S105 - a status word, not a password
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Location:
    """Where a finding is; only the fields that apply are set."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    commit: str | None = None
    url: str | None = None
    domain: str | None = None
    route: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def describe(self) -> str:
        """Short human form: ``src/app.py:12 @ 1a2b3c4d`` or a URL/domain/route."""
        parts: list[str] = []
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
            parts.append(where)
        if self.commit:
            parts.append(f"@ {self.commit[:12]}")
        for extra in (self.route, self.url, self.domain):
            if extra:
                parts.append(extra)
        return " ".join(parts)


def fingerprint_of(*parts: object) -> str:
    """A stable hash of the parts that identify a finding (not of line numbers, ideally)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    # surrogateescape: paths read from git or disk may carry undecodable bytes as surrogates.
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


# A ``Finding.details`` key set by checks that scanned a commit range (a pull request, a push):
# True when the range's commits introduced the finding, False when it was there before them.
INTRODUCED_IN_RANGE = "introduced_in_range"


@dataclass(frozen=True)
class Finding:
    """One problem. ``fingerprint`` defaults to a hash of check, rule and location."""

    check: str
    rule: str
    severity: Severity
    title: str
    message: str
    location: Location = field(default_factory=Location)
    remediation: str = ""
    fingerprint: str = ""
    # Extra structured facts (commit author, "in_tree", measured values); JSON-serialisable.
    details: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.severity, Severity):
            object.__setattr__(self, "severity", Severity.parse(str(self.severity)))
        if not self.fingerprint:
            loc = self.location
            fp = fingerprint_of(
                self.check, self.rule, loc.path, loc.line, loc.url, loc.domain, loc.route
            )
            object.__setattr__(self, "fingerprint", fp)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "check": self.check,
            "rule": self.rule,
            "severity": self.severity.value,
            "title": self.title,
            "message": self.message,
            "location": self.location.to_dict(),
            "fingerprint": self.fingerprint,
            "remediation": self.remediation,
        }
        if self.details:
            out["details"] = dict(self.details)
        return out


@dataclass(frozen=True)
class RuleInfo:
    """What a rule is about, independent of any one finding (SARIF rule help, ``--list-rules``)."""

    id: str
    title: str
    description: str = ""
    remediation: str = ""
    severity: Severity | None = None


@dataclass(frozen=True)
class RouteMetric:
    """Latency measured for one route (perf check)."""

    route: str
    samples: int
    p50_ms: float
    p95_ms: float
    budget_p95_ms: float | None = None
    baseline_p95_ms: float | None = None
    # Distribution-free 95% bounds of p95 (None: unbounded with this many samples).
    p95_low_ms: float | None = None
    p95_high_ms: float | None = None
    # True when the budget is the launch default (reads 500 ms, writes 900 ms), not declared.
    budget_default: bool | None = None
    errors: int | None = None
    verdict: str | None = None
    # p95 of time to first byte and of connection setup; budgets apply to total time (p95_ms).
    ttfb_p95_ms: float | None = None
    connect_p95_ms: float | None = None
    # The p50 budget, when the route declares one, judged like p95 with its own bounds.
    budget_p50_ms: float | None = None
    p50_low_ms: float | None = None
    p50_high_ms: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class CertificateFact:
    """A certificate a check read, healthy or not: the facts the handover gives the owner
    (who issued it, until when, for which names). Problems with it are findings as well."""

    check: str
    host: str
    port: int
    issuer: str  # RFC 4514, as the certificate says
    not_before: str  # ISO 8601, UTC
    not_after: str
    days_left: float  # at the time of the check (negative once expired)
    names: tuple[str, ...]  # DNS and IP subject alternative names
    chain_verified: bool
    hostname_match: bool
    tls_version: str
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["names"] = list(self.names)
        out["days_left"] = round(self.days_left, 1)
        return out


@dataclass(frozen=True)
class CheckResult:
    """What one check returns. ``error`` is set when the check could not run."""

    check: str
    findings: tuple[Finding, ...] = ()
    summary: str = ""
    error: str | None = None
    skipped: bool = False
    duration_ms: int = 0
    routes: tuple[RouteMetric, ...] = ()
    certificates: tuple[CertificateFact, ...] = ()

    def status(self, fail_on: Severity) -> CheckStatus:
        if self.skipped:
            return CheckStatus.SKIPPED
        if self.error is not None:
            return CheckStatus.ERROR
        if any(f.severity.at_least(fail_on) for f in self.findings):
            return CheckStatus.FAIL
        return CheckStatus.PASS


@dataclass(frozen=True)
class Suppressed:
    """A finding the manifest's ``suppress`` list silenced, with the reason given there."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class Report:
    """The whole gate's outcome: the one object every reporter renders."""

    tool_version: str
    fail_on: Severity
    checks: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    suppressed: tuple[Suppressed, ...] = ()
    errors_fail: bool = True
    # Rule descriptions from the checks that ran, by id (not every rule need be here).
    rules: Mapping[str, RuleInfo] = field(default_factory=dict, hash=False, compare=False)

    @property
    def status(self) -> str:
        """``error`` if a check could not run, ``fail`` if a finding reaches ``fail_on``,
        ``skipped`` if no check ran at all (never ``pass``: nothing was checked)."""
        if self.errors_fail and any(c.error is not None for c in self.checks):
            return "error"
        if any(f.severity.at_least(self.fail_on) for f in self.findings):
            return "fail"
        return "pass" if checked_anything(self) else "skipped"

    @property
    def routes(self) -> tuple[RouteMetric, ...]:
        return tuple(r for c in self.checks for r in c.routes)

    @property
    def certificates(self) -> tuple[CertificateFact, ...]:
        return tuple(c for r in self.checks for c in r.certificates)

    def counts(self) -> dict[str, int]:
        """Number of findings per severity word, every severity present (zero included)."""
        counts = {s.value: 0 for s in SEVERITIES}
        for f in self.findings:
            counts[f.severity.value] += 1
        return counts

    def check_status(self, result: CheckResult) -> CheckStatus:
        return result.status(self.fail_on)


def with_path_prefix(report: Report, prefix: str) -> Report:
    """The report with every finding path under ``prefix`` (a directory, forward slashes).

    Checks report paths relative to the directory they scanned; GitHub places annotations and
    SARIF results relative to the repository, which differ when the action runs in a subfolder.
    """
    # "./app/", "app/." and "app" are one directory; "", "." and "./" are the repository root.
    prefix = posixpath.normpath(prefix.strip("/") or ".")
    if prefix == ".":
        return report

    def move(finding: Finding) -> Finding:
        path = finding.location.path
        if not path or path.startswith("/"):
            return finding
        location = dataclasses.replace(finding.location, path=f"{prefix}/{path}")
        return dataclasses.replace(finding, location=location)

    checks = tuple(
        dataclasses.replace(c, findings=tuple(move(f) for f in c.findings)) for c in report.checks
    )
    suppressed = tuple(dataclasses.replace(s, finding=move(s.finding)) for s in report.suppressed)
    return dataclasses.replace(
        report,
        checks=checks,
        findings=tuple(move(f) for f in report.findings),
        suppressed=suppressed,
    )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first, then by check, rule and location, so output is stable run to run."""
    return sorted(
        findings,
        key=lambda f: (
            -f.severity.rank,
            f.check,
            f.rule,
            f.location.path or "",
            f.location.line or 0,
            f.location.url or f.location.domain or f.location.route or "",
            f.fingerprint,
        ),
    )


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the first finding per fingerprint (the worst one if several share it)."""
    best: dict[str, Finding] = {}
    for f in findings:
        kept = best.get(f.fingerprint)
        if kept is None or f.severity.rank > kept.severity.rank:
            best[f.fingerprint] = f
    return list(best.values())


def checked_anything(report: Report) -> bool:
    """True when at least one check ran (a skipped row or the manifest's own notes do not count):
    a gate that checked nothing must never say GO."""
    return any(not c.skipped and c.check != "manifest" for c in report.checks)


def verdict(report: Report) -> str:
    """The one-line verdict: ``GO``, ``NO-GO: 2 launch blockers, 1 high`` or ``SKIPPED: ...``."""
    if report.status == "skipped":
        why = "; ".join(f"{c.check}: {c.summary}" for c in report.checks if c.skipped)
        return "SKIPPED: nothing was checked" + (f" ({why})" if why else "")
    counts = report.counts()
    words = []
    for sev in SEVERITIES:
        n = counts[sev.value]
        if n:
            label = "launch blocker" if sev is Severity.BLOCKER else sev.value
            if sev is Severity.BLOCKER and n != 1:
                label += "s"
            words.append(f"{n} {label}")
    errored = [c.check for c in report.checks if c.error is not None]
    if errored:
        words.append(f"{len(errored)} check{'s' if len(errored) != 1 else ''} errored")
    tail = ", ".join(words) if words else "no findings"
    head = {"pass": "GO", "fail": "NO-GO", "error": "NO-GO"}[report.status]
    return f"{head}: {tail}"
