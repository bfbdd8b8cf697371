"""The env check on a project carrying every problem from the issue, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchgate.checkapi import CheckError
from launchgate.envcheck.check import SPEC
from launchgate.findings import CheckResult, Finding, Severity
from launchgate.registry import load_builtin_checks

from .conftest import MANIFEST, Runner, secret_values, write_project


def by(
    result: CheckResult, rule: str, variable: str | None = None, env: str | None = None
) -> list[Finding]:
    return [
        f for f in result.findings
        if f.rule == rule
        and (variable is None or f.details.get("variable") == variable)
        and (env is None or f.details.get("environment") == env)
    ]  # fmt: skip


def one(result: CheckResult, rule: str, variable: str, env: str | None) -> Finding:
    found = by(result, rule, variable, env)
    assert len(found) == 1, (rule, variable, env, [f.title for f in result.findings])
    return found[0]


def test_registered_as_env() -> None:
    assert load_builtin_checks()["env"] is SPEC


def test_every_problem_is_found_with_variable_environment_and_source(
    project: Path, run_check: Runner
) -> None:
    result, _ = run_check(project)

    # missing: blocker in production, with the declaration as location
    missing = one(result, "env.missing", "SMTP_PASSWORD", "production")
    assert missing.severity is Severity.BLOCKER
    assert "required because SMTP_HOST is set" in missing.message
    assert (missing.location.path, missing.location.line) == ("launchready.yml", 15)
    assert not by(result, "env.missing", "SMTP_PASSWORD", "staging")  # SMTP_HOST unset there
    assert not by(result, "env.missing", "SENTRY_DSN")  # optional

    empty = one(result, "env.empty", "APP_URL", "staging")
    assert (empty.severity, empty.location.path, empty.location.line) == (
        Severity.HIGH,
        ".env.staging",
        4,
    )

    port = one(result, "env.malformed", "PORT", "production")
    assert "port format" in port.message and "above the maximum 65535" in port.message
    assert (port.location.path, port.location.line) == (".env.production", 6)
    scheme = one(result, "env.malformed", "APP_URL", "production")
    assert "allowed: https" in scheme.message
    level = one(result, "env.malformed", "LOG_LEVEL", "production")
    assert "debug, info, warning" in level.message
    live = one(result, "env.malformed", "STRIPE_SECRET_KEY", "production")
    assert "pattern ^sk_live_" in live.message
    assert not by(result, "env.malformed", "STRIPE_SECRET_KEY", "staging")

    # placeholders, in production (blocker) and staging (high), declared or not
    mailer = one(result, "env.placeholder", "MAILER_API_KEY", "production")
    assert (
        mailer.severity is Severity.BLOCKER and mailer.details["value_rule"] == "template-your-slot"
    )
    vault = one(result, "env.placeholder", "MAILER_API_KEY", "staging")
    assert vault.severity is Severity.HIGH and vault.details["value_rule"] == "unexpanded-reference"
    extra = one(result, "env.placeholder", "EXTRA_TOKEN", "production")
    assert (extra.location.path, extra.location.line) == (".env.production", 12)
    # a placeholder is not also reported as malformed
    assert not by(result, "env.malformed", "MAILER_API_KEY")

    # production-unsafe values, only in production
    unsafe = {
        (f.details["variable"], f.details["value_rule"])
        for f in by(result, "env.test-value-in-production")
    }
    assert unsafe == {
        ("DATABASE_URL", "non-production-host"),
        ("STRIPE_SECRET_KEY", "stripe-test-key"),
        ("APP_URL", "loopback-or-local-host"),
        ("DEBUG", "debug-enabled"),
    }
    assert all(
        f.details["environment"] == "production" for f in by(result, "env.test-value-in-production")
    )

    shared = by(result, "env.same-secret-across-environments")
    assert len(shared) == 1
    assert shared[0].details == {
        "variables": ["SESSION_SECRET"],
        "environments": ["production", "staging"],
    }
    assert ".env.production:4" in shared[0].message and ".env.staging:3" in shared[0].message

    undeclared = {f.details["variable"]: f for f in by(result, "env.undeclared-read")}
    assert set(undeclared) == {
        "UNDECLARED_FEATURE_FLAG",
        "UNDECLARED_REGION",
        "SMTP_HOST",
        "DEPLOY_TOKEN",
    }
    assert all(f.severity is Severity.MEDIUM for f in undeclared.values())
    region = undeclared["UNDECLARED_REGION"]
    assert (region.location.path, region.location.line) == ("web/src/pay.ts", 5)
    unused = {f.details["variable"] for f in by(result, "env.unused-declaration")}
    assert unused == {"SESSION_SECRET", "SENTRY_DSN", "LOG_LEVEL"}  # PORT is read by the workflow
    assert all(f.severity is Severity.LOW for f in by(result, "env.unused-declaration"))
    assert not [f for f in result.findings if "DECOY" in f.title]

    assert result.summary.startswith("2 environment(s) checked (production, staging)")


def _all_text(result: CheckResult) -> str:
    parts = [result.summary, result.error or ""]
    for f in result.findings:
        parts.append(json.dumps(f.to_dict(), ensure_ascii=False))
    return "\n".join(parts)


def test_no_value_appears_in_any_finding_or_summary(project: Path, run_check: Runner) -> None:
    result, ctx = run_check(project)
    text = _all_text(result)
    for value in secret_values():
        assert value not in text, value
    assert "Pr0dDbPassw0rd" not in text and "St4gingDbPass" not in text
    # every secret-looking value was registered for ::add-mask:: while it was read
    for must_mask in (
        "Pr0dDbPassw0rd",
        "sk_test_51HfzXq2eZvKYlo2CqRsTuVw",
        "9f8e7d6c5b4a3928171605f4e3d2c1b0",
    ):
        assert must_mask in ctx.masker.values
    # placeholders protect nothing: masking them only blanks ordinary words out of the log
    for placeholder in ("your-mailer-key-here", "<paste-token>"):
        assert placeholder not in ctx.masker.values


def test_fingerprints_are_stable_and_free_of_values(project: Path, run_check: Runner) -> None:
    first, _ = run_check(project)
    # shift every line of the dotenv files: fingerprints must not change
    for name in (".env.production", ".env.staging"):
        path = project / name
        path.write_text("# moved\n\n" + path.read_text())
    second, _ = run_check(project)
    assert sorted(f.fingerprint for f in first.findings) == sorted(
        f.fingerprint for f in second.findings
    )
    assert len({f.fingerprint for f in first.findings}) == len(first.findings)
    same = by(second, "env.same-secret-across-environments")[0]
    assert same.location.line == 6


def test_selected_environment_only_but_secrets_still_compared(
    project: Path, run_check: Runner
) -> None:
    result, _ = run_check(project, environment="production")
    assert {
        f.details.get("environment") for f in result.findings if "environment" in f.details
    } == {"production"}
    assert len(by(result, "env.same-secret-across-environments")) == 1
    assert result.summary.startswith("1 environment(s) checked (production)")


def test_unknown_environment_is_a_clear_error(project: Path, run_check: Runner) -> None:
    with pytest.raises(CheckError, match=r"unknown environment 'prod'.*did you mean 'production'"):
        run_check(project, environment="prod")


NO_ENVS = """\
version: 1
env:
  scan_code: false
  required:
    - {name: API_TOKEN, min_length: 10}
    - {name: DATABASE_URL, format: url}
    - {name: STRIPE_SECRET_KEY, environments: [production]}
"""


def test_process_environment_without_declared_environments(
    tmp_path: Path, run_check: Runner
) -> None:
    write_project(tmp_path, NO_ENVS, files={})
    environ = {"API_TOKEN": "short", "PATH": "/usr/bin"}
    result, ctx = run_check(tmp_path, environ=environ)
    missing = one(result, "env.missing", "DATABASE_URL", None)
    assert missing.severity is Severity.HIGH
    assert "the process environment" in missing.message
    short = one(result, "env.malformed", "API_TOKEN", None)
    assert short.location.path is None and short.details["source"] == "the process environment"
    assert not by(result, "env.missing", "STRIPE_SECRET_KEY")  # production only
    assert "short" not in ctx.masker.values  # a plain word: masking it would blank the log

    named, _ = run_check(tmp_path, environ=environ, environment="production")
    assert one(named, "env.missing", "STRIPE_SECRET_KEY", "production").severity is Severity.BLOCKER
    assert one(named, "env.missing", "DATABASE_URL", "production").severity is Severity.BLOCKER


PRECEDENCE = """\
version: 1
environments:
  production: {env_files: [.env, .env.production]}
env:
  scan_code: false
  required:
    - {name: A, format: int}
    - {name: B, format: int}
    - {name: C, format: int}
"""


def test_process_wins_over_files_and_later_files_over_earlier(
    tmp_path: Path, run_check: Runner
) -> None:
    write_project(tmp_path, PRECEDENCE, files={})
    (tmp_path / ".env").write_text("A=bad\nB=bad\nC=bad\n")
    (tmp_path / ".env.production").write_text("B=2\nC=bad\n")
    result, _ = run_check(tmp_path, environ={"C": "3"})
    malformed = {f.details["variable"]: f.location.path for f in by(result, "env.malformed")}
    assert malformed == {"A": ".env"}


SHARED_PROCESS = """\
version: 1
environments:
  production: {env_files: [.env.production]}
  staging: {env_files: [.env.staging]}
env:
  scan_code: false
  required:
    - {name: JWT_SECRET}
    - {name: WEBHOOK_SECRET}
"""


def test_same_secret_needs_evidence_beyond_one_shared_process(
    tmp_path: Path, run_check: Runner
) -> None:
    write_project(tmp_path, SHARED_PROCESS, files={})
    (tmp_path / ".env.production").write_text("WEBHOOK_SECRET=whsec_prod_1234567890\n")
    (tmp_path / ".env.staging").write_text("WEBHOOK_SECRET=whsec_stag_1234567890\n")
    environ = {"JWT_SECRET": "one-process-value-for-both"}
    result, _ = run_check(tmp_path, environ=environ)
    assert not by(result, "env.same-secret-across-environments")
    (tmp_path / ".env.staging").write_text("WEBHOOK_SECRET=whsec_prod_1234567890\n")
    result, _ = run_check(tmp_path, environ=environ)
    assert len(by(result, "env.same-secret-across-environments")) == 1


BROKEN_SOURCES = """\
version: 1
environments:
  production: {env_files: [.env.production, .env.missing]}
  staging: {env_files: [.env.nowhere]}
env:
  sources: []
  scan_code: false
  required:
    - {name: DATABASE_URL}
"""


def test_missing_and_broken_sources_are_reported(tmp_path: Path, run_check: Runner) -> None:
    write_project(tmp_path, BROKEN_SOURCES, files={})
    (tmp_path / ".env.production").write_text(
        'DATABASE_URL=postgres://db.bookly.io/app\n"oops line\nbad line here\n'
    )
    result, _ = run_check(tmp_path)
    missing = {
        (f.details["environment"], f.location.path): f.severity
        for f in by(result, "env.source-missing")
    }
    assert missing == {
        ("production", ".env.missing"): Severity.LOW,
        ("staging", ".env.nowhere"): Severity.HIGH,
    }
    syntax = sorted(f.location.line for f in by(result, "env.dotenv-syntax"))
    assert syntax == [2, 3]
    assert "oops" not in _all_text(result)
    assert one(result, "env.missing", "DATABASE_URL", "staging").severity is Severity.HIGH


def test_user_rule_pack_from_manifest(tmp_path: Path, run_check: Runner) -> None:
    manifest = NO_ENVS + "rules:\n  packs: [rules/acme.yml]\n"
    write_project(tmp_path, manifest, files={})
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "acme.yml").write_text("""\
kind: env
rules:
  - id: acme-internal-token
    category: placeholder
    severity: medium
    description: Token from the Acme onboarding docs.
    remediation: Ask ops for a real token.
    patterns: ['^acme-demo-']
    examples: {positive: [acme-demo-123], negative: [acme-prod-123]}
""")
    result, _ = run_check(
        tmp_path, environ={"API_TOKEN": "acme-demo-0000000", "DATABASE_URL": "https://db.io"}
    )
    finding = one(result, "env.placeholder", "API_TOKEN", None)
    assert finding.severity is Severity.MEDIUM and finding.details["pack"] == "rules/acme.yml"


def test_manifest_example_for_the_issue_validates() -> None:
    assert "STRIPE_SECRET_KEY" in MANIFEST
