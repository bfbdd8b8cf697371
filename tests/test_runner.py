"""Runner: selection, status, de-duplication, suppression, severity overrides, scrubbing."""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
import threading
import time
from pathlib import Path

import jsonschema
import pytest

from launchgate.checkapi import CheckSpec, Masker
from launchgate.findings import CheckResult, Severity, verdict
from launchgate.manifest import parse_manifest
from launchgate.registry import REGISTRY
from launchgate.report import jsonreport
from launchgate.resources import schema_path
from launchgate.runner import RunOptions, UsageError, build_report, run_gate, select_checks
from tests.fixtures.stubcheck import finding, stub_check

REPORT_SCHEMA = json.loads(schema_path("report.schema.json").read_text())


def manifest(tmp_path: Path, extra: str = ""):
    return parse_manifest("version: 1\n" + extra, tmp_path / "launchready.yml")


def run(tmp_path: Path, extra: str = "", **opts):
    return run_gate(manifest(tmp_path, extra), tmp_path, RunOptions(**opts), REGISTRY)


def valid(report) -> dict:
    data = jsonreport.as_dict(report)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(data)
    return data


def test_finding_at_fail_on_fails_the_gate(tmp_path: Path) -> None:
    with stub_check(finding("high"), finding("low", rule="stub.minor")):
        report = run(tmp_path, only=("stub",))
    assert report.status == "fail"
    assert [f.severity for f in report.findings] == [Severity.HIGH, Severity.LOW]
    assert valid(report)["checks"][0]["status"] == "fail"


def test_below_fail_on_passes_and_fail_on_option_overrides_manifest(tmp_path: Path) -> None:
    with stub_check(finding("medium")):
        assert run(tmp_path, only=("stub",)).status == "pass"
        assert run(tmp_path, "fail_on: medium\n", only=("stub",)).status == "fail"
        assert (
            run(tmp_path, "fail_on: medium\n", only=("stub",), fail_on=Severity.BLOCKER).status
            == "pass"
        )


def test_check_error_and_crash_are_errors_not_tracebacks(tmp_path: Path) -> None:
    with stub_check(error="host unreachable"):
        report = run(tmp_path, only=("stub",))
    assert report.status == "error"
    assert report.checks[0].error == "host unreachable"
    with stub_check(crash=True):
        report = run(tmp_path, only=("stub",))
    assert report.checks[0].error == "internal error: RuntimeError: boom"
    assert valid(report)["checks"][0]["status"] == "error"
    with stub_check(crash=True):
        assert run(tmp_path, only=("stub",), errors_fail=False).status == "pass"


def test_duplicates_collapse_by_fingerprint(tmp_path: Path) -> None:
    with stub_check(finding("high"), finding("high"), finding("high", line=9)):
        report = run(tmp_path, only=("stub",))
    assert len(report.findings) == 2


def test_suppression_by_rule_and_path_and_by_fingerprint(tmp_path: Path) -> None:
    target = finding("high", path="tests/data.py")
    other = finding("high", rule="stub.other", path="src/a.py")
    extra = (
        "suppress:\n"
        "  - {rule: 'stub.*', path: 'tests/**', reason: test data}\n"
        f"  - {{fingerprint: {other.fingerprint[:12]}, reason: accepted risk}}\n"
    )
    with stub_check(target, other):
        report = run(tmp_path, extra, only=("stub",))
    assert report.findings == ()
    assert report.status == "pass"
    assert sorted(s.reason for s in report.suppressed) == ["accepted risk", "test data"]
    assert len(valid(report)["suppressed"]) == 2


def test_expired_suppression_stops_applying(tmp_path: Path) -> None:
    m = manifest(
        tmp_path, "suppress:\n  - {rule: stub.problem, reason: later, expires: '2020-01-01'}\n"
    )
    result = CheckResult(check="stub", findings=(finding("high"),))
    report = build_report(m, [result], Severity.HIGH, today=dt.date(2026, 1, 1))
    assert report.status == "fail"


def test_severity_override_from_manifest(tmp_path: Path) -> None:
    # The manifest's checks: only accepts known check ids, so the stub stands in for "env".
    with stub_check(finding("high", rule="env.noisy"), check_id="env"):
        report = run(tmp_path, "checks: {env: {severity: {'env.*': low}}}\n", only=("env",))
    assert report.findings[0].severity is Severity.LOW
    assert report.status == "pass"


def test_disabled_check_is_not_selected_but_only_forces_it(tmp_path: Path) -> None:
    with stub_check(finding("high"), check_id="env") as spec:
        disabled = manifest(tmp_path, "checks: {env: {enabled: false}}\n")
        assert select_checks({"env": spec}, disabled, RunOptions()) == []
        assert select_checks({"env": spec}, disabled, RunOptions(only=("env",))) == [spec]
        assert run(tmp_path, "checks: {env: {enabled: false}}\n", only=("env",)).status == "fail"


def test_unknown_check_id_suggests(tmp_path: Path) -> None:
    with stub_check(finding()), pytest.raises(UsageError, match="did you mean 'stub'"):
        run(tmp_path, only=("stbu",))


def test_masked_values_are_scrubbed_from_every_text(tmp_path: Path) -> None:
    leaked = "hunter2-super-secret-value"
    with stub_check(finding(title=f"value {leaked}", message=f"was {leaked}"), mask=leaked):
        masker = Masker()
        report = run_gate(
            manifest(tmp_path), tmp_path, RunOptions(only=("stub",)), REGISTRY, masker
        )
    assert leaked in masker.values
    assert leaked not in json.dumps(jsonreport.as_dict(report))


def test_checks_run_concurrently(tmp_path: Path) -> None:
    """Two checks that each wait for the other can only finish if they run at the same time."""
    # The timeout only bounds a failing run (checks run one after the other would wait forever);
    # a passing run never comes near it, however loaded the machine.
    barrier = threading.Barrier(2, timeout=120)

    def waits(_ctx):
        barrier.wait()
        return []

    REGISTRY["a"] = CheckSpec(id="a", title="A", run=waits)
    REGISTRY["b"] = CheckSpec(id="b", title="B", run=waits)
    try:
        report = run(tmp_path, only=("a", "b"))
    finally:
        del REGISTRY["a"], REGISTRY["b"]
    assert [c.error for c in report.checks] == [None, None]


def test_timeout_becomes_an_error(tmp_path: Path) -> None:
    release = threading.Event()

    def hangs(_ctx):
        # Released once the test has its report, so no clock decides when the check returns; the
        # bound only keeps a broken runner (one that waits for the check) from hanging the suite.
        release.wait(300)
        return []

    previous = REGISTRY.get("env")
    REGISTRY["env"] = CheckSpec(id="env", title="hang", run=hangs)
    try:
        report = run(tmp_path, "checks: {env: {timeout_s: 0.2}}\n", only=("env",))
    finally:
        release.set()
        REGISTRY.pop("env")
        if previous is not None:
            REGISTRY["env"] = previous
    assert report.status == "error"
    assert report.checks[0].error == "timed out after 0.2 s (checks.env.timeout_s)"
    assert report.checks[0].duration_ms == 200


def test_declared_sections_no_check_reads_are_reported_not_ignored(tmp_path: Path) -> None:
    m = manifest(tmp_path, "routes:\n  - {name: home, path: /}\n")
    with stub_check(finding("low")):
        report = run_gate(m, tmp_path, RunOptions(), {"stub": REGISTRY["stub"]})
    (note,) = [f for f in report.findings if f.check == "manifest"]
    assert note.rule == "manifest.unchecked-section"
    assert note.title.startswith("routes: declared, but not checked")
    assert report.status == "pass"
    valid(report)


def test_a_check_the_schema_knows_but_this_build_lacks_is_a_skipped_row(tmp_path: Path) -> None:
    """Works before and after the check lands: the registry given here simply lacks it."""
    spec = CheckSpec(id="env", title="env", run=lambda _ctx: None)
    m = manifest(tmp_path)
    options = RunOptions(only=("env", "smoke"), skip=("perf",))
    assert select_checks({"env": spec}, m, options) == [spec]
    report = run_gate(m, tmp_path, options, {"env": spec})
    rows = {c.check: (c.skipped, c.summary) for c in report.checks}
    assert rows["smoke"] == (True, "not in this version of launchgate")
    assert rows["perf"] == (True, "not in this version of launchgate")
    assert valid(report)["checks"][1]["status"] == "skipped"
    with pytest.raises(UsageError, match="unknown check 'smok'"):
        select_checks({"env": spec}, m, RunOptions(only=("smok",)))


def test_nothing_checked_is_never_go(tmp_path: Path) -> None:
    spec = CheckSpec(id="env", title="env", run=lambda _ctx: None)
    report = run_gate(manifest(tmp_path), tmp_path, RunOptions(only=("smoke",)), {"env": spec})
    assert (
        verdict(report) == "SKIPPED: nothing was checked (smoke: not in this version of launchgate)"
    )
    with pytest.raises(UsageError, match="--only env --skip env leaves no check to run"):
        select_checks({"env": spec}, manifest(tmp_path), RunOptions(only=("env",), skip=("env",)))


def test_unconfigured_and_disabled_checks_are_rows_that_say_why(tmp_path: Path) -> None:
    specs = {
        "env": CheckSpec(
            id="env", title="env", run=lambda _c: None, configured=lambda m: m.has("env")
        ),
        "secrets": CheckSpec(id="secrets", title="s", run=lambda _c: None),
    }
    report = run_gate(
        manifest(tmp_path, "checks: {secrets: {enabled: false}}\n"), tmp_path, RunOptions(), specs
    )
    rows = {c.check: c.summary for c in report.checks if c.skipped}
    assert rows == {
        "env": "not configured in the manifest",
        "secrets": "disabled in the manifest (checks.secrets.enabled: false)",
    }
    assert verdict(report).startswith("SKIPPED: nothing was checked (env: not configured")


def test_a_check_that_runs_alone_never_overlaps_another(tmp_path: Path) -> None:
    """Timing checks (perf) run after the others, with nothing beside them."""
    log: list[str] = []
    lock = threading.Lock()
    gate = threading.Barrier(2, timeout=10)  # the two shared checks really run side by side

    def make(check_id: str, alone: bool) -> CheckSpec:
        def work(_ctx: object) -> CheckResult:
            with lock:
                log.append(f"start {check_id}")
            if not alone:
                gate.wait()
            with lock:
                log.append(f"end {check_id}")
            return CheckResult(check=check_id)

        return CheckSpec(id=check_id, title=check_id, run=work, alone=alone)

    registry = {
        "timing": make("timing", True),
        "one": make("one", False),
        "two": make("two", False),
    }
    report = run_gate(manifest(tmp_path), tmp_path, RunOptions(), registry)
    assert [c.check for c in report.checks] == ["timing", "one", "two"]  # order as registered
    assert all(c.status(Severity.HIGH).value == "pass" for c in report.checks)
    assert log[-2:] == ["start timing", "end timing"]


def _main_thread_joins(name: str) -> bool:
    """Whether the main thread is waiting in ``Thread.join`` on the thread called ``name``."""
    frame = sys._current_frames().get(threading.main_thread().ident or 0)
    while frame is not None:
        joined = frame.f_locals.get("self")
        if frame.f_code.co_name == "join" and getattr(joined, "name", None) == name:
            return True
        frame = frame.f_back
    return False


def test_sigint_mid_run_keeps_what_finished_and_errors_the_rest(tmp_path: Path) -> None:
    release = threading.Event()

    def interrupts(_ctx):
        # The signal goes out once the runner waits on this very check (process state, not a
        # clock): the first check's result is in by then, this one and the third are not.
        deadline = time.monotonic() + 60
        while not _main_thread_joins("check-interrupts") and time.monotonic() < deadline:
            time.sleep(0.005)
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        release.wait(300)

    first = CheckSpec(id="first", title="quick", run=lambda _c: [finding("low")])
    second = CheckSpec(id="interrupts", title="interrupts", run=interrupts)
    third = CheckSpec(id="blocked", title="blocked", run=lambda _c: release.wait(300))
    registry = {spec.id: spec for spec in (first, second, third)}
    try:
        report = run_gate(manifest(tmp_path), tmp_path, RunOptions(), registry)
    finally:
        release.set()
    results = {c.check: (c.error, [f.rule for f in c.findings]) for c in report.checks}
    assert results == {
        "first": (None, ["stub.problem"]),
        "interrupts": ("interrupted before it finished", []),
        "blocked": ("interrupted before it finished", []),
    }
    assert report.status == "error"
