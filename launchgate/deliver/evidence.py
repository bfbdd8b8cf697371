"""What the deliverables are built from: JSON reports (the published contract) and saved state.

Everything here works on the JSON report as published in ``schemas/report.schema.json``, whether
it was read from ``--from`` files or produced by running the gate just now, so the audit sees
exactly what any other consumer of the contract sees. Several reports merge (a nightly DNS run
and a post-deploy smoke run): for a check present in more than one, the last report given wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from launchgate.findings import Report, Severity
from launchgate.report.jsonreport import as_dict
from launchgate.resources import schema_path


class EvidenceError(ValueError):
    """A report cannot be used: unreadable, not JSON, or not the report contract."""


@dataclass(frozen=True)
class CheckRun:
    id: str
    status: str
    summary: str
    error: str | None = None


@dataclass(frozen=True)
class Evidence:
    """The merged reports: check outcomes, findings (de-duplicated), route latency metrics,
    certificates read."""

    checks: Mapping[str, CheckRun] = field(default_factory=dict)
    findings: tuple[Mapping[str, Any], ...] = ()
    routes: tuple[Mapping[str, Any], ...] = ()
    # Certificates read (healthy or not), one per check, host and port, sorted by host.
    certificates: tuple[Mapping[str, Any], ...] = ()
    fail_on: Severity | None = None
    sources: tuple[str, ...] = ()

    @property
    def errored(self) -> list[CheckRun]:
        return [c for c in self.checks.values() if c.status == "error"]


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(schema_path("report.schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def validate_report(data: Any, source: str) -> Mapping[str, Any]:
    """The report if it follows the contract, else an error naming the first wrong field."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise EvidenceError(f"{source}: not a launchgate JSON report: {where}: {error.message}")
    report: Mapping[str, Any] = data
    return report


def read_report(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise EvidenceError(f"{path}: not JSON: {exc}") from None
    return validate_report(data, str(path))


def report_dict(report: Report) -> Mapping[str, Any]:
    """A report made in this process, through the same contract as a file would be."""
    return as_dict(report)


def merge(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> Evidence:
    """One view over several reports; a later report's check replaces an earlier one's."""
    owner: dict[str, int] = {}
    checks: dict[str, CheckRun] = {}
    for index, (_source, report) in enumerate(reports):
        for check in report["checks"]:
            owner[check["id"]] = index
            checks[check["id"]] = CheckRun(
                id=check["id"],
                status=check["status"],
                summary=check.get("summary", ""),
                error=check.get("error"),
            )
    best: dict[str, Mapping[str, Any]] = {}
    routes: dict[str, Mapping[str, Any]] = {}
    certificates: dict[tuple[str, int, str], Mapping[str, Any]] = {}
    for index, (_source, report) in enumerate(reports):
        for finding in report["findings"]:
            # A finding counts only from the report whose run of that check is the latest.
            if owner.get(finding["check"], index) != index:
                continue
            kept = best.get(finding["fingerprint"])
            rank = Severity(finding["severity"]).rank
            if kept is None or rank > Severity(kept["severity"]).rank:
                best[finding["fingerprint"]] = finding
        for metric in report["metrics"]["routes"]:
            routes[metric["route"]] = metric
        for cert in report["metrics"].get("certificates", ()):
            if owner.get(cert["check"], index) == index:
                certificates[(cert["host"], cert["port"], cert["check"])] = cert
    fail_ons = [Severity(r["fail_on"]) for _s, r in reports]
    return Evidence(
        checks=checks,
        findings=tuple(best.values()),
        routes=tuple(routes[name] for name in sorted(routes)),
        certificates=tuple(certificates[key] for key in sorted(certificates)),
        fail_on=min(fail_ons, key=lambda s: s.rank) if fail_ons else None,
        sources=tuple(source for source, _r in reports),
    )


def load_evidence(paths: Iterable[Path]) -> Evidence:
    return merge([(str(p), read_report(p)) for p in paths])
