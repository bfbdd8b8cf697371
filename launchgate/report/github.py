"""GitHub Actions output: annotations, ``::add-mask::`` lines, the job summary and step outputs.

Each function returns text; the CLI decides where it goes (stdout, ``$GITHUB_STEP_SUMMARY``,
``$GITHUB_OUTPUT``). Escaping mirrors the runner's own parser (actions/runner ``ActionCommand``):
it reads stdout line by line (LF, CR or CRLF), and unescapes only ``%25 %0D %0A`` in data and also
``%3A %2C`` in properties. So after escaping, a finding's text can neither end the line nor end a
property early, and the only ``::`` on a line that reaches the parser is the one we wrote.
"""

# No ``from __future__ import annotations`` here: it would collide with ``annotations()``.
import re
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

from launchgate.findings import Finding, Report, Severity, sort_findings, verdict
from launchgate.report._common import clean, repo_relative, truncate
from launchgate.report.github_summary import summary

__all__ = ["annotations", "escape_data", "escape_property", "mask_commands", "outputs", "summary"]

# GitHub shows at most 10 annotations of each kind per step and drops the rest silently.
ANNOTATIONS_PER_LEVEL = 10
# Notice slots left for launchgate's own messages in the same step (the action's plan notes).
RESERVED_NOTICES = 2
TITLE_LIMIT = 255  # the checks API's annotation title limit
MESSAGE_LIMIT = 4000  # keeps one hostile finding from flooding the log line

_LEVEL = {
    Severity.BLOCKER: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """Escape a workflow command's data (after ``::``): ``%`` first, then CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus ``:`` (ends the properties) and ``,`` (next one)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: Mapping[str, str | int], data: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(data)}"


def _annotation(finding: Finding, root: Path | None) -> str:
    loc = finding.location
    path = repo_relative(loc.path, root)
    props: dict[str, str | int] = {}
    if path is not None:
        props["file"] = path
        if loc.line and loc.line > 0:
            props["line"] = loc.line
            if loc.column and loc.column > 0:
                props["col"] = loc.column
    title = f"[{finding.severity.value}] {clean(finding.title)}"
    props["title"] = truncate(title.replace("\n", " ").strip(), TITLE_LIMIT)

    lines = [clean(finding.message or finding.title)]
    where = [f"commit {loc.commit[:12]}"] if loc.commit else []
    if path is None and loc.path:
        where.append(loc.path)
    where += [x for x in (loc.route, loc.url, loc.domain) if x]
    lines.append(f"{finding.rule}" + (f" at {', '.join(where)}" if where else ""))
    if finding.remediation:
        lines.append(f"Fix: {finding.remediation}")
    message = truncate(clean("\n".join(lines)), MESSAGE_LIMIT)
    return _command(_LEVEL[finding.severity], props, message)


def annotations(report: Report, *, root: Path | None = None) -> str:
    """One workflow command per finding, worst first, within GitHub's per-step limits.

    Findings past 10 errors / 10 warnings / 10 notices are counted in one closing ``::notice``
    (which takes one notice slot) instead of being dropped silently by GitHub.
    """
    by_level: dict[str, list[Finding]] = {"error": [], "warning": [], "notice": []}
    for finding in sort_findings(report.findings):
        by_level[_LEVEL[finding.severity]].append(finding)
    overflow = sum(max(0, len(by_level[k]) - ANNOTATIONS_PER_LEVEL) for k in ("error", "warning"))
    notices = len(by_level["notice"])
    keep = {"error": ANNOTATIONS_PER_LEVEL, "warning": ANNOTATIONS_PER_LEVEL}
    notice_slots = ANNOTATIONS_PER_LEVEL - RESERVED_NOTICES
    keep["notice"] = notices
    if overflow or notices > notice_slots:
        keep["notice"] = notice_slots - 1  # the last slot is for the count
    lines = [_annotation(f, root) for level, fs in by_level.items() for f in fs[: keep[level]]]
    hidden = len(report.findings) - len(lines)
    if hidden > 0:
        noun = "finding" if hidden == 1 else "findings"
        text = f"{hidden} more {noun} not annotated; see the job summary"
        lines.append(_command("notice", {"title": "launchgate"}, text))
    return "".join(line + "\n" for line in lines)


def mask_commands(values: Iterable[str]) -> str:
    """``::add-mask::`` lines for secret values; the caller prints them before anything else.

    The runner masks log lines one at a time, so a multi-line value is also masked line by line.
    Blank values are skipped (the runner warns on them and there is nothing to hide).
    """
    seen: set[str] = set()
    lines: list[str] = []
    for value in values:
        parts = [value, *re.split(r"\r\n|\r|\n", value)]
        for part in parts:
            if part.strip() and part not in seen:
                seen.add(part)
                lines.append(f"::add-mask::{escape_data(part)}")
    return "".join(line + "\n" for line in lines)


_OUTPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NEEDS_HEREDOC = re.compile("[\r\n]")


def outputs(report: Report, report_paths: Mapping[str, str] | None = None) -> str:
    """``$GITHUB_OUTPUT`` content: status, verdict, counts, and where each report was written.

    Values that could hold a line break (report paths) use the heredoc form with a random
    delimiter, as ``@actions/core`` does, so a value can never start another output.
    """
    counts = report.counts()
    pairs: list[tuple[str, str]] = [
        ("status", report.status),
        ("verdict", verdict(report)),
        *((word, str(n)) for word, n in counts.items()),
        ("findings", str(sum(counts.values()))),
        ("suppressed", str(len(report.suppressed))),
        *((name, str(path)) for name, path in (report_paths or {}).items()),
    ]
    out: list[str] = []
    for name, value in pairs:
        if not _OUTPUT_NAME.fullmatch(name):
            raise ValueError(f"invalid output name {name!r}")
        if _NEEDS_HEREDOC.search(value):
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            while delimiter in value:  # pragma: no cover - a random UUID collision
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
            out.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            out.append(f"{name}={value}\n")
    return "".join(out)
