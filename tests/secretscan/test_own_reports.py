"""launchgate never scans its own reports: one run's --report files are not the next run's input."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.findings import Finding, Location, Report, Severity
from launchgate.report import render
from launchgate.secretscan.ownreports import is_own_report
from tests.fixtures.gitrepo import GitRepo

# Text a rule would flag if it were read as code (a report may quote what a check saw).
QUOTED = 'example seen: api_key = "Zx8vN3q7LmP2rT9kW4bY6cD1fG5hJ0"'


def _report() -> Report:
    finding = Finding(
        "env", "env.example", Severity.LOW, "t", QUOTED, Location(path="a.py", line=1)
    )
    return Report("0.1.0", Severity.HIGH, (), (finding,))


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "markdown"])
def test_every_machine_report_is_recognised_and_others_are_not(tmp_path: Path, fmt: str) -> None:
    assert is_own_report(render(fmt, _report(), tmp_path).encode())
    assert not is_own_report(b'{"schema_version": 1, "tool": {"name": "other"}}')
    assert not is_own_report(QUOTED.encode())


def test_reports_in_build_output_are_not_scanned(repo: GitRepo, scan) -> None:
    repo.commit("app", {"app.py": "print('hello')\n"})
    for fmt in ("json", "sarif", "junit", "markdown"):
        repo.write(f"dist/launchgate.{fmt}", render(fmt, _report(), repo.path))
    repo.write("dist/app.js", QUOTED + "\n")  # the same text in a real bundle is still found
    result = scan(repo.path, history=False)
    paths = {f.location.path for f in result.findings if f.details.get("scope")}
    assert paths == {"dist/app.js"}
