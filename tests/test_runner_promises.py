"""The runner's promises, each stated in a test's name: what runs, what a check may return, that
an errored check never passes, that no masked value survives, and how duplicates and suppressions
are decided. Checks here are plain CheckSpecs handed to run_gate (no global registry)."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from launchgate import __version__
from launchgate.checkapi import CheckContext, CheckError, CheckSpec, Masker
from launchgate.findings import (
    CheckResult,
    Finding,
    Report,
    RuleInfo,
    Severity,
    fingerprint_of,
    verdict,
)
from launchgate.manifest import Manifest, parse_manifest
from launchgate.runner import RunOptions, UsageError, build_report, run_gate, select_checks
from tests.fixtures.stubcheck import finding

VALUE = "hunter2-super-secret-value"


def manifest(tmp_path: Path, extra: str = "") -> Manifest:
    return parse_manifest("version: 1\n" + extra, tmp_path / "launchready.yml")


def spec(check_id: str, run: Callable[[CheckContext], Any], **kw: Any) -> CheckSpec:
    return CheckSpec(id=check_id, title=check_id, run=run, **kw)


found = functools.partial(
    finding,
    check="env",
    rule="env.problem",
    path="app.py",
    line=1,
    title="a problem",
    message="details",
    remediation="",
)


def gate(
    tmp_path: Path, *specs: CheckSpec, extra: str = "", masker: Masker | None = None, **opts: Any
):
    registry = {s.id: s for s in specs}
    return run_gate(manifest(tmp_path, extra), tmp_path, RunOptions(**opts), registry, masker)


def returns(value: Any) -> Callable[[CheckContext], Any]:
    return lambda _ctx: value


def ran(report: Report) -> list[str]:
    return [c.check for c in report.checks if not c.skipped]


def test_a_configured_check_runs_unless_the_manifest_disables_it(tmp_path: Path) -> None:
    env = spec("env", returns([found()]))
    unconfigured = spec("secrets", returns([]), configured=lambda m: m.has("routes"))
    report = gate(tmp_path, env, unconfigured)
    assert ran(report) == ["env"]
    assert report.status == "fail"
    with_routes = gate(tmp_path, env, unconfigured, extra="routes:\n  - {name: a, path: /}\n")
    assert ran(with_routes)[:2] == ["env", "secrets"]
    enabled = gate(tmp_path, env, extra="checks: {env: {enabled: true}}\n")
    assert ran(enabled) == ["env"]
    disabled = gate(tmp_path, env, extra="checks: {env: {enabled: false}}\n")
    assert ran(disabled) == []
    assert disabled.status == "skipped"


def test_only_runs_exactly_the_named_checks_in_registry_order_and_skip_removes(
    tmp_path: Path,
) -> None:
    a, b, c = (spec(n, returns([])) for n in ("env", "secrets", "smoke"))
    m = manifest(tmp_path)
    registry = {s.id: s for s in (a, b, c)}
    assert select_checks(registry, m, RunOptions(only=("smoke", "env"))) == [a, c]
    assert select_checks(registry, m, RunOptions(skip=("secrets",))) == [a, c]
    with pytest.raises(UsageError, match="leaves no check to run"):
        select_checks(registry, m, RunOptions(only=("env",), skip=("env",)))
    with pytest.raises(UsageError, match=r"unknown check 'xyz'; available: env, secrets, smoke$"):
        select_checks(registry, m, RunOptions(skip=("xyz",)))
    with pytest.raises(UsageError, match="available: none"):
        select_checks({}, m, RunOptions(only=("zzz",)))


@pytest.mark.parametrize(
    ("message", "shown"), [("vault unreachable", "vault unreachable"), (VALUE, "***")]
)
def test_a_check_that_errors_never_passes_even_when_values_are_masked(
    tmp_path: Path, message: str, shown: str
) -> None:
    def errors(ctx: CheckContext) -> None:
        ctx.masker.add(VALUE)
        raise CheckError(message)

    report = gate(tmp_path, spec("env", errors))
    assert report.status == "error"
    assert report.checks[0].error == shown


def test_masked_values_are_scrubbed_from_error_summary_and_remediation(tmp_path: Path) -> None:
    def leaks(ctx: CheckContext) -> CheckResult:
        ctx.masker.add(VALUE)
        return CheckResult(
            check="env",
            findings=(found(remediation=f"rotate {VALUE}", title=f"t {VALUE}", message=VALUE),),
            summary=f"checked {VALUE}",
        )

    def crashes(ctx: CheckContext) -> None:
        ctx.masker.add(VALUE)
        raise RuntimeError(f"could not parse {VALUE}")

    report = gate(tmp_path, spec("env", leaks), spec("secrets", crashes))
    env, secrets = report.checks
    assert env.summary == "checked ***"
    (finding,) = env.findings
    assert (finding.title, finding.message, finding.remediation) == ("t ***", "***", "rotate ***")
    assert secrets.error == "internal error: RuntimeError: could not parse ***"


def test_without_masked_values_texts_are_left_as_the_check_wrote_them(tmp_path: Path) -> None:
    result = CheckResult(check="env", findings=(found(message="a *** b"),), summary="s")
    report = gate(tmp_path, spec("env", returns(result)))
    assert report.checks[0].findings[0].message == "a *** b"
    assert report.checks[0].summary == "s"


def test_a_check_returning_a_plain_list_or_generator_reports_its_findings(tmp_path: Path) -> None:
    listed = gate(tmp_path, spec("env", returns([found("blocker"), found("low", path="b.py")])))
    assert [f.severity for f in listed.findings] == [Severity.BLOCKER, Severity.LOW]
    assert listed.status == "fail"
    generated = gate(tmp_path, spec("env", lambda _ctx: (f for f in [found("blocker")])))
    assert generated.status == "fail"
    assert gate(tmp_path, spec("env", returns(None))).status == "pass"


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("a finding", "returned str, not a CheckResult"),
        ({"a": 1}, "returned dict, not a CheckResult"),
        (42, "returned int, not a CheckResult"),
        ([found(), "oops", 3], "returned int, str among findings"),
    ],
)
def test_a_check_returning_something_else_errors_instead_of_passing_or_crashing(
    tmp_path: Path, value: object, what: str
) -> None:
    report = gate(tmp_path, spec("env", returns(value)))
    assert report.status == "error"
    assert report.checks[0].error == f"internal error: TypeError: check 'env' {what}"


@pytest.mark.parametrize("alone", [False, True], ids=["with-others", "alone"])
def test_a_crash_shows_its_traceback_only_when_verbose(tmp_path: Path, alone: bool) -> None:
    def crashes(_ctx: CheckContext) -> None:
        raise KeyError("k")

    quiet = gate(tmp_path, spec("env", crashes, alone=alone)).checks[0].error
    assert quiet == "internal error: KeyError: 'k'"
    loud = gate(tmp_path, spec("env", crashes, alone=alone), verbose=True).checks[0].error or ""
    assert loud.startswith("internal error: Traceback (most recent call last):\n  File ")
    assert loud.rstrip().endswith("KeyError: 'k'")


def test_duration_is_the_checks_own_or_the_measured_wall_time(tmp_path: Path) -> None:
    def busy(_ctx: CheckContext) -> list[Finding]:
        end = time.perf_counter() + 0.05
        while time.perf_counter() < end:
            pass
        return []

    measured = gate(tmp_path, spec("env", busy)).checks[0].duration_ms
    # 50 ms of work is never measured as less; the upper bound is a minute, far beyond any load.
    assert 50 <= measured < 60_000
    own = CheckResult(check="whatever", duration_ms=7)
    result = gate(tmp_path, spec("env", returns(own))).checks[0]
    assert (result.check, result.duration_ms) == ("env", 7)


def test_duplicates_across_checks_keep_the_most_severe_and_every_other_finding(
    tmp_path: Path,
) -> None:
    shared = "f" * 32
    first = spec("env", returns([found("low", fingerprint=shared), found(path="env-only.py")]))
    second = spec(
        "secrets",
        returns(
            [
                found("blocker", check="secrets", fingerprint=shared),
                found("blocker", check="secrets", fingerprint=shared, message="again"),
                found(check="secrets", path="secrets-only.py"),
            ]
        ),
    )
    report = gate(tmp_path, first, second)
    assert report.status == "fail"
    assert [(f.check, f.severity.value, f.location.path) for f in report.findings] == [
        ("secrets", "blocker", "app.py"),
        ("env", "high", "env-only.py"),
        ("secrets", "high", "secrets-only.py"),
    ]
    assert report.findings[0].message == "details"
    env, secrets = report.checks
    assert [f.location.path for f in env.findings] == ["env-only.py"]
    assert [f.location.path for f in secrets.findings] == ["app.py", "secrets-only.py"]


def test_the_same_finding_object_returned_twice_is_reported_once(tmp_path: Path) -> None:
    twice = found()
    report = gate(tmp_path, spec("env", returns([twice, twice])))
    assert report.findings == (twice,)


@pytest.mark.parametrize(("expires", "silenced"), [("2999-01-01", True), ("2000-01-01", False)])
def test_a_suppression_applies_until_it_expires_when_the_gate_runs(
    tmp_path: Path, expires: str, silenced: bool
) -> None:
    extra = f"suppress:\n  - {{rule: env.problem, reason: later, expires: '{expires}'}}\n"
    report = gate(tmp_path, spec("env", returns([found()])), extra=extra)
    assert report.status == ("pass" if silenced else "fail")
    assert [s.reason for s in report.suppressed] == (["later"] if silenced else [])


def test_the_first_matching_severity_override_wins_and_patterns_are_case_sensitive(
    tmp_path: Path,
) -> None:
    findings = [found(rule="env.noisy"), found(rule="env.other"), found(rule="ENV.loud")]
    extra = "checks: {env: {severity: {'env.noisy': info, 'env.*': blocker}}}\n"
    report = gate(tmp_path, spec("env", returns(findings)), extra=extra)
    by_rule = {f.rule: f.severity.value for f in report.findings}
    assert by_rule == {"env.noisy": "info", "env.other": "blocker", "ENV.loud": "high"}


def test_checks_get_the_state_directory_params_progress_and_masker(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def records(ctx: CheckContext) -> None:
        seen["dir"] = ctx.store.directory
        seen["root"] = ctx.root
        seen["manifest"] = ctx.manifest
        seen["thread"] = (threading.current_thread().name, threading.current_thread().daemon)
        seen["param"] = ctx.param("deep")
        ctx.progress("step")
        ctx.masker.add(VALUE)

    messages: list[str] = []
    masker = Masker()
    m = manifest(tmp_path)
    run_gate(
        m,
        tmp_path,
        RunOptions(params={"deep": 1}),
        {"env": spec("env", records)},
        masker,
        messages.append,
    )
    # Daemon threads: a check stuck past its timeout must not keep the process alive at exit.
    assert seen == {
        "dir": tmp_path / ".launchgate",
        "root": tmp_path,
        "manifest": m,
        "param": 1,
        "thread": ("check-env", True),
    }
    assert messages == ["step"]
    assert VALUE in masker.values
    gate(tmp_path, spec("env", records))  # no progress callback: reporting progress is a no-op
    gate(tmp_path, spec("env", records), extra="state_dir: var/state\n")
    assert seen["dir"] == tmp_path / "var/state"
    gate(tmp_path, spec("env", records), state_dir=tmp_path / "elsewhere")
    assert seen["dir"] == tmp_path / "elsewhere"


def test_rules_of_every_check_that_ran_are_catalogued_even_if_one_cannot_list_them(
    tmp_path: Path,
) -> None:
    info = RuleInfo(id="env.problem", title="A problem")

    def broken(_m: Manifest) -> list[RuleInfo]:
        raise ValueError("bad pack")

    report = gate(
        tmp_path,
        spec("secrets", returns([]), rules=broken),
        spec(
            "env", returns([]), rules=lambda m: [info] if m.path.name == "launchready.yml" else []
        ),
    )
    assert report.rules == {"env.problem": info}


def test_declared_routes_are_reported_unchecked_unless_only_named_checks_run(
    tmp_path: Path,
) -> None:
    extra = "routes:\n  - {name: home, path: /}\ndomains:\n  - {name: example.com}\n"
    report = gate(tmp_path, spec("env", returns([])), extra=extra)
    notes = [f for f in report.findings if f.check == "manifest"]
    assert [n.title for n in notes] == [
        "domains: declared, but not checked by this launchgate version",
        "routes: declared, but not checked by this launchgate version",
    ]
    assert all(n.severity is Severity.INFO and n.location.path == "launchready.yml" for n in notes)
    assert "smoke and perf check(s)" in notes[1].message
    assert report.checks[-1].check == "manifest"
    assert gate(tmp_path, spec("env", returns([])), extra=extra, only=("env",)).findings == ()
    # smoke reads routes and, of domains, redirects, HTTPS and certificates: only domain records
    # (domains[].expect) still need dns.
    with_smoke = gate(tmp_path, spec("env", returns([])), spec("smoke", returns([])), extra=extra)
    assert with_smoke.findings == ()
    records = extra.replace("{name: example.com}", "{name: example.com, expect: {A: 192.0.2.1}}")
    with_smoke = gate(tmp_path, spec("env", returns([])), spec("smoke", returns([])), extra=records)
    assert [f.title.split(":")[0] for f in with_smoke.findings] == ["domains[].expect"]


def test_a_check_that_finishes_within_its_timeout_is_not_timed_out(tmp_path: Path) -> None:
    def brief(_ctx: CheckContext) -> list[Finding]:
        end = time.perf_counter() + 0.05
        while time.perf_counter() < end:
            pass
        return [found()]

    report = gate(tmp_path, spec("env", brief), extra="checks: {env: {timeout_s: 600}}\n")
    assert report.checks[0].error is None
    assert report.status == "fail"


def test_a_timed_out_check_is_an_error_named_after_the_check(tmp_path: Path) -> None:
    release = threading.Event()
    try:
        report = gate(
            tmp_path,
            spec("env", lambda _ctx: release.wait(300)),  # released below; bounded if broken
            extra="checks: {env: {timeout_s: 0.1}}\n",
        )
    finally:
        release.set()
    (result,) = report.checks
    assert (result.check, result.error, result.duration_ms) == (
        "env",
        "timed out after 0.1 s (checks.env.timeout_s)",
        100,
    )


def test_build_report_counts_errors_and_lists_no_rules_by_default(tmp_path: Path) -> None:
    report = build_report(manifest(tmp_path), [CheckResult(check="env", error="x")], Severity.HIGH)
    assert report.status == "error"
    assert report.rules == {}
    assert report.tool_version == __version__


def test_the_unchecked_section_note_has_a_stable_fingerprint_and_says_what_to_do(
    tmp_path: Path,
) -> None:
    report = gate(tmp_path, spec("env", returns([])), extra="routes:\n  - {name: a, path: /}\n")
    (note,) = report.findings
    # Users suppress this note by fingerprint: it must not change between versions.
    assert note.fingerprint == fingerprint_of("manifest", "unchecked-section", "routes")
    assert note.fingerprint == "bdef3daef0f139d01dbbc9325c403f5c"
    assert note.message == (
        "The manifest declares routes, which the smoke and perf check(s) read; this version "
        "does not have them yet, so nothing about them was checked."
    )
    assert note.remediation == "Upgrade launchgate when it ships these checks."


def test_checks_left_out_say_why(tmp_path: Path) -> None:
    env, secrets = spec("env", returns([])), spec("secrets", returns([]))
    report = gate(tmp_path, env, secrets, skip=("secrets",))
    assert [(c.check, c.skipped, c.summary) for c in report.checks] == [
        ("env", False, ""),
        ("secrets", True, "left out with --skip"),
    ]
    with pytest.raises(UsageError) as caught:
        gate(tmp_path, env, secrets, only=("env", "secrets"), skip=("env", "secrets"))
    assert str(caught.value) == "--only env,secrets --skip env,secrets leaves no check to run"


def test_a_gate_that_checked_nothing_is_skipped_never_pass(tmp_path: Path) -> None:
    """Every report format reads ``status``: nothing checked must not be read as a pass."""
    env = spec("env", returns([]))
    nothing = gate(tmp_path, env, extra="checks: {env: {enabled: false}}\n")
    assert nothing.status == "skipped"
    assert verdict(nothing).startswith("SKIPPED: nothing was checked")
    checked = gate(tmp_path, env)
    assert checked.status == "pass"
    assert verdict(checked) == "GO: no findings"
