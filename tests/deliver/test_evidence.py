"""Reports in, evidence out: the contract is validated, several reports merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchgate.deliver.evidence import EvidenceError, load_evidence, merge, read_report
from tests.deliver.conftest import REPORTS
from tests.deliver.factories import finding, report


@pytest.mark.parametrize("name", ["smoke", "perf", "dns"])
def test_recorded_reports_follow_the_schema(name: str) -> None:
    data = read_report(REPORTS / f"{name}.json")
    assert data["checks"][0]["id"] == name


def test_recorded_report_follows_the_schema(launch_project: Path) -> None:
    data = read_report(launch_project / "reports" / "gate.json")
    assert {c["id"] for c in data["checks"]} == {"env", "secrets"}


def test_later_run_of_a_check_replaces_the_earlier_one() -> None:
    old = report([finding("dns.drift", "high", domain="a.test")], checks={"dns": "fail"})
    new = report([], checks={"dns": "pass"})
    smoke = report([finding("smoke.hsts-missing", "low", url="https://a/")])
    evidence = merge([("old", old), ("smoke", smoke), ("new", new)])
    assert evidence.checks["dns"].status == "pass"
    assert [f["rule"] for f in evidence.findings] == ["smoke.hsts-missing"]


def test_same_fingerprint_keeps_the_worst() -> None:
    low = finding("smoke.hsts-missing", "low", url="https://a/")
    high = dict(low, severity="high")
    evidence = merge([("a", report([low, high]))])
    assert [f["severity"] for f in evidence.findings] == ["high"]


def test_strictest_fail_on_of_the_reports() -> None:
    evidence = merge([("a", report([], fail_on="high")), ("b", report([], fail_on="medium"))])
    assert evidence.fail_on is not None and evidence.fail_on.value == "medium"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('{"schema_version": 1}', r"report: \(top level\): 'tool' is a required property"),
        (None, "cannot read"),
    ],
)
def test_bad_reports_are_clear_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(EvidenceError, match=message) as caught:
        load_evidence([path])
    assert str(path) in str(caught.value)


def test_a_wrong_field_is_named(tmp_path: Path) -> None:
    data = report([finding("smoke.x", "high", url="https://a/")])
    data["findings"][0]["severity"] = "critical"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with pytest.raises(EvidenceError, match="findings/0/severity"):
        read_report(path)
