"""The nightly example regenerates the deliverables with nothing but GITHUB_TOKEN."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "workflows" / "nightly.yml"


def _job() -> dict[str, Any]:
    job: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())["jobs"]["deliverables"]
    return job


def _step(name: str) -> dict[str, Any]:
    return next(s for s in _job()["steps"] if s.get("name") == name)


def test_runs_after_the_gate_even_when_it_fails() -> None:
    job = _job()
    assert job["needs"] == "drift"
    assert job["if"].startswith("always() && ")
    assert "needs.drift.result == 'failure'" in job["if"]  # a NO-GO night still gets its audit


def test_only_github_token_with_issues_write() -> None:
    job = _job()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    text = WORKFLOW.read_text()
    assert "secrets." not in text
    for name in (
        "Open or update the NO-GO issue",
        "Close the NO-GO issue when the audit is GO again",
    ):
        assert _step(name)["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_regenerates_audit_and_handover_from_the_report_and_uploads_them() -> None:
    run = _step("Audit and HANDOVER.md")["run"]
    assert "launchgate audit --from reports/launchgate.json --format markdown" in run
    assert "--format html" in run
    assert "launchgate handover --from reports/launchgate.json --state-dir .launchgate" in run
    drift = yaml.safe_load(WORKFLOW.read_text())["jobs"]["drift"]
    gate = next(s for s in drift["steps"] if s.get("uses", "").startswith("launchgate/"))
    assert gate["with"]["json-file"] == "launchgate.json"
    download = _step("Fetch tonight's report")
    keep = next(s for s in drift["steps"] if s.get("name") == "Keep the report")
    assert download["with"]["name"] == keep["with"]["name"]
    upload = _step("Keep the deliverables")
    assert upload["with"]["path"] == "deliverables/"
    assert upload["uses"].startswith("actions/upload-artifact@")


def test_one_issue_opened_or_updated_only_on_no_go() -> None:
    update = _step("Open or update the NO-GO issue")
    assert update["if"] == "steps.audit.outputs.verdict == 'no-go'"
    assert 'gh issue list --state open --label "$label" --limit 1' in update["run"]
    assert 'gh issue edit "$number" --body-file issue.md' in update["run"]
    assert "gh issue create" in update["run"]
    close = _step("Close the NO-GO issue when the audit is GO again")
    assert close["if"] == "steps.audit.outputs.verdict == 'go'"


def test_installs_the_cli_from_the_actions_own_release_not_pypi() -> None:
    """launchgate is not published on PyPI: the deliverables job installs the checkout of the
    release the drift job's action runs, so the report is read by the version that wrote it."""
    drift = yaml.safe_load(WORKFLOW.read_text())["jobs"]["drift"]
    gate = next(s for s in drift["steps"] if s.get("uses", "").startswith("launchgate/"))
    repository, ref = gate["uses"].split("@", 1)
    checkout = _step("Check out launchgate (the action's release)")
    assert checkout["with"]["repository"] == repository
    assert checkout["with"]["ref"] == ref
    assert checkout["with"]["persist-credentials"] is False
    install = _step("Install launchgate from that checkout")["run"]
    assert install.endswith(
        f"pip install --disable-pip-version-check -q ./{checkout['with']['path']}"
    )
    assert "pip install" not in WORKFLOW.read_text().replace(install, "")
