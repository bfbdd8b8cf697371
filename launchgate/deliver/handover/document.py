"""The Markdown writer HANDOVER.md sections share: tables, gaps named where they occur and
collected for the closing "Gaps" list, and the small readers of evidence every section needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchgate.deliver.audit import Audit
from launchgate.deliver.evidence import Evidence
from launchgate.report.github_summary import cell


class HandoverDoc:
    """The lines written so far and every gap met on the way (section, how to fill it)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.gaps: list[tuple[str, str]] = []

    def section(self, title: str) -> None:
        self.lines += ["", f"## {title}", ""]

    def gap(self, section: str, fix: str) -> None:
        self.lines.append(f"> **Gap:** {fix}")
        self.gaps.append((section, fix))

    def table(self, head: list[str], rows: list[list[str]]) -> None:
        self.lines.append("| " + " | ".join(head) + " |")
        self.lines.append("|" + "---|" * len(head))
        self.lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
        self.lines.append("")

    def audit_gaps(self, audit: Audit, section: str, *families: str) -> None:
        """The audit's gap risks of these families, placed in the section they belong to."""
        wanted = {f"gap.{f}" for f in families}
        for risk in audit.risks:
            if risk.family in wanted:
                self.gap(section, f"{cell(risk.title)}. {risk.fixes[0]}")


def shown(value: Any) -> str:
    """A manifest value in a table cell: lists joined, nothing as a dash (never an empty cell)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def findings_of(evidence: Evidence, prefix: str) -> list[Mapping[str, Any]]:
    """The findings whose rule starts with ``prefix``, in a stable order (identical reruns)."""
    return sorted(
        (f for f in evidence.findings if str(f["rule"]).startswith(prefix)),
        key=lambda f: (str(f["rule"]), str(f.get("location")), str(f["fingerprint"])),
    )


def observed(evidence: Evidence, check: str) -> bool:
    """Whether ``check`` really looked (passed or failed); skipped or errored is not observed."""
    run = evidence.checks.get(check)
    return run is not None and run.status in ("pass", "fail")
