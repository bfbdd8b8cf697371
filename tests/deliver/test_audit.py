"""The audit's verdict and the gaps it counts as risks (pure functions over manifest data)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from launchgate.deliver.audit import build_audit, expected_checks, verdict_line
from launchgate.deliver.evidence import merge
from launchgate.deliver.gaps import operations_gaps
from launchgate.deliver.knowledge import builtin_pack
from launchgate.findings import Severity
from tests.deliver.conftest import MANIFEST, OPERATIONS
from tests.deliver.factories import finding, report

PACK = builtin_pack()
FULL: dict[str, Any] = yaml.safe_load(MANIFEST + OPERATIONS)


def _data(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST + OPERATIONS)
    for key, value in changes.items():
        if value is None:
            data["operations"].pop(key)
        else:
            data["operations"][key] = value
    return data


def _gap_ids(data: dict[str, Any]) -> list[str]:
    return [r.family for r in operations_gaps(data, PACK)]


def test_verdict_line_is_pinned() -> None:
    counts = {"blocker": 2, "high": 1, "medium": 0, "low": 3, "info": 4}
    assert verdict_line(False, counts, ["dns"], ["perf"]) == (
        "NO-GO: 2 launch blockers, 1 high, 3 low; could not run: dns; not checked: perf"
    )
    assert verdict_line(True, {"blocker": 1}, [], []) == "GO: 1 launch blocker"
    assert verdict_line(True, {"info": 2}, [], []) == "GO: no risk above info"
    assert verdict_line(False, {}, [], ["env"], checked=False) == (
        "SKIPPED: nothing was checked; no risk above info; not checked: env"
    )


def test_nothing_checked_is_never_go() -> None:
    skipped = merge([("r", report([], checks={"smoke": "skipped", "manifest": "pass"}))])
    audit = build_audit(FULL, skipped, PACK)
    assert not audit.go
    assert audit.verdict == (
        "SKIPPED: nothing was checked; 3 medium, 1 low; not checked: env, secrets, smoke, perf, dns"
    )
    # a gap at fail_on still makes it a NO-GO, with or without evidence
    data = _data(rollback=None)
    assert build_audit(data, skipped, PACK).verdict.startswith("NO-GO: 1 high")


def test_go_when_nothing_reaches_fail_on() -> None:
    evidence = merge([("r", report([finding("smoke.hsts-missing", "medium", url="https://a/")]))])
    audit = build_audit(FULL, evidence, PACK)
    assert audit.fail_on is Severity.HIGH
    assert audit.go, audit.verdict
    assert audit.verdict.startswith("GO: ")
    assert audit.not_run == ("env", "secrets", "perf", "dns")


def test_a_high_risk_or_an_errored_check_is_no_go() -> None:
    high = merge(
        [("r", report([finding("smoke.cors-reflected-origin", "high", url="https://a/")]))]
    )
    assert not build_audit(FULL, high, PACK).go
    errored = merge([("r", report([], checks={"dns": "error"}))])
    audit = build_audit(FULL, errored, PACK)
    assert not audit.go
    assert "could not run: dns" in audit.verdict


def test_fail_on_flag_beats_manifest_beats_reports() -> None:
    evidence = merge(
        [("r", report([finding("smoke.hsts-missing", "medium", url="https://a/")], fail_on="low"))]
    )
    assert build_audit(FULL, evidence, PACK).fail_on is Severity.HIGH
    undeclared = {k: v for k, v in FULL.items() if k != "fail_on"}
    assert build_audit(undeclared, evidence, PACK).fail_on is Severity.LOW
    assert build_audit(FULL, evidence, PACK, Severity.MEDIUM).fail_on is Severity.MEDIUM
    assert not build_audit(FULL, evidence, PACK, Severity.MEDIUM).go


def test_expected_checks_follow_the_manifest_sections() -> None:
    assert expected_checks({"version": 1}) == ["secrets"]
    assert expected_checks({"routes": []}) == ["secrets", "smoke", "perf"]
    assert expected_checks({"email": {}, "env": {}}) == ["env", "secrets", "dns"]


def test_full_operations_leave_only_the_planted_gaps() -> None:
    gaps = {r.family: r for r in operations_gaps(FULL, PACK)}
    assert set(gaps) == {
        "gap.restore-untested",
        "gap.route-unmonitored",
        "gap.certificate-unowned",
        "gap.account-unowned",
    }
    # login and account are read routes outside monitors.routes; checkout is a write route.
    assert gaps["gap.route-unmonitored"].key == "login, account"
    assert gaps["gap.certificate-unowned"].key == "api.shop.test, shop.test"
    assert gaps["gap.account-unowned"].key == "Sentry (error_tracking)"
    assert gaps["gap.restore-untested"].key == "Uploads bucket"


def test_no_operations_is_one_risk_naming_every_missing_part() -> None:
    data = {k: v for k, v in FULL.items() if k != "operations"}
    (gap,) = operations_gaps(data, PACK)
    assert gap.family == "gap.no-operations"
    assert gap.severity is Severity.HIGH
    assert "not declared: rollback" in gap.evidence


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"rollback": None}, "gap.no-rollback"),
        ({"deploy": None}, "gap.no-deploy"),
        ({"restore": []}, "gap.no-restore"),
        ({"contacts": None}, "gap.no-contacts"),
        ({"monitors": None}, "gap.no-monitors"),
        (
            {"monitors": {"interval": "10m", "alerts": [{"type": "slack", "webhook_env": "X"}]}},
            "gap.slow-interval",
        ),
        ({"monitors": {"interval": "5m"}}, "gap.no-alerts"),
    ],
)
def test_each_missing_part_is_its_own_gap(change: dict[str, Any], expected: str) -> None:
    assert expected not in _gap_ids(FULL)
    assert expected in _gap_ids(_data(**change))


def test_no_rollback_makes_the_launch_no_go() -> None:
    audit = build_audit(_data(rollback=None), merge([]), PACK)
    assert not audit.go
    assert audit.risks[0].family == "gap.no-rollback"


def test_monitor_covering_every_read_route_leaves_none_unmonitored() -> None:
    monitors = dict(FULL["operations"]["monitors"])
    monitors.pop("routes")
    assert "gap.route-unmonitored" not in _gap_ids(_data(monitors=monitors))


def test_a_registrar_is_expected_when_domains_are_declared() -> None:
    accounts = [a for a in FULL["operations"]["accounts"] if a["kind"] != "registrar"]
    assert "gap.no-registrar" in _gap_ids(_data(accounts=accounts))
