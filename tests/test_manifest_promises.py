"""What the typed manifest promises the runner: which findings a suppression silences and until
when, how environments and options are read, and the defaults without a manifest."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from launchgate.findings import Severity
from launchgate.manifest import Manifest, ManifestError, Suppression, parse_manifest

TODAY = dt.date(2026, 6, 1)


def matches(
    rule: Suppression,
    *,
    fp: str = "abcdef12",
    r: str = "secrets.aws",
    path: str | None = "src/app.py",
    today: dt.date = TODAY,
) -> bool:
    return rule.matches(fp, r, path, today)


def test_a_suppression_applies_through_its_expiry_day_and_not_after() -> None:
    rule = Suppression(reason="r", rule="secrets.*", expires=TODAY)
    assert matches(rule)
    assert matches(rule, today=TODAY - dt.timedelta(days=1))
    assert not matches(rule, today=TODAY + dt.timedelta(days=1))
    assert matches(Suppression(reason="r", rule="secrets.*"), today=dt.date(2999, 1, 1))


def test_a_fingerprint_suppression_matches_by_prefix_whatever_the_rule_or_path() -> None:
    rule = Suppression(reason="r", fingerprint="abcd")
    assert matches(rule, r="other.rule", path=None)
    assert not matches(rule, fp="abce1234")
    expired = Suppression(reason="r", fingerprint="abcd", expires=TODAY - dt.timedelta(days=1))
    assert not matches(expired)


def test_a_rule_suppression_needs_the_rule_glob_and_then_the_path_glob_case_sensitively() -> None:
    assert matches(Suppression(reason="r", rule="secrets.aws"))
    assert not matches(Suppression(reason="r", rule="Secrets.aws"))
    assert not matches(Suppression(reason="r", rule="env.*"))
    assert not matches(Suppression(reason="r"))  # neither rule nor fingerprint: matches nothing
    scoped = Suppression(reason="r", rule="secrets.*", path="src/*.py")
    assert matches(scoped)
    assert not matches(scoped, path="SRC/app.py")
    assert not matches(scoped, path="lib/app.py")
    assert not matches(scoped, path=None)  # a finding without a path is not under any path


def test_the_typed_manifest_reads_suppressions_environments_and_fail_on(tmp_path: Path) -> None:
    text = (
        "version: 1\n"
        "fail_on: medium\n"
        "environments:\n"
        "  Production: {base_url: 'https://example.com', env_files: [.env.prod]}\n"
        "  staging: {production: true}\n"
        "  dev: {}\n"
        "suppress:\n"
        "  - {fingerprint: abcd1234, reason: accepted}\n"
        "  - {rule: 'env.*', path: 'tests/**', reason: fixtures, expires: '2027-01-31'}\n"
    )
    m = parse_manifest(text, tmp_path / "launchready.yml")
    assert m.fail_on is Severity.MEDIUM
    prod, staging, dev = (m.environments[n] for n in ("Production", "staging", "dev"))
    assert (prod.name, prod.base_url, prod.production, prod.env_files) == (
        "Production",
        "https://example.com",
        True,
        (".env.prod",),
    )
    assert (staging.production, staging.base_url, staging.env_files) == (True, None, ())
    assert dev.production is False
    assert m.suppressions == (
        Suppression(reason="accepted", fingerprint="abcd1234"),
        Suppression(reason="fixtures", rule="env.*", path="tests/**", expires=dt.date(2027, 1, 31)),
    )


def test_check_options_and_sections_are_empty_mappings_when_absent(tmp_path: Path) -> None:
    m = parse_manifest("version: 1\nchecks: {env: {timeout_s: 5}}\n", tmp_path / "launchready.yml")
    assert m.check_options("env") == {"timeout_s": 5}
    assert m.check_options("secrets") == {}
    assert m.section("routes") == {}
    assert m.has("checks") and not m.has("routes")
    assert m.fail_on is Severity.HIGH
    assert m.root == tmp_path
    assert m.resolve("a/../b") == (tmp_path / "b").resolve()


def test_without_a_manifest_every_default_applies(tmp_path: Path) -> None:
    m = Manifest.empty(tmp_path)
    assert m.path == tmp_path / "launchready.yml"
    assert dict(m.data) == {"version": 1}
    assert (m.fail_on, m.environments, m.suppressions) == (Severity.HIGH, {}, ())


@pytest.mark.parametrize("name", ["production", "PROD", "Prod"])
def test_an_environment_named_production_or_prod_is_production_by_default(
    tmp_path: Path, name: str
) -> None:
    m = parse_manifest(f"version: 1\nenvironments:\n  {name}: {{}}\n", tmp_path / "l.yml")
    assert m.environments[name].production is True
    off = parse_manifest(
        f"version: 1\nenvironments:\n  {name}: {{production: false}}\n", tmp_path / "l.yml"
    )
    assert off.environments[name].production is False


def test_the_same_manifest_with_other_content_keeps_its_file_and_retypes(tmp_path: Path) -> None:
    m = parse_manifest("version: 1\n", tmp_path / "launchready.yml")
    source = {"version": 1, "fail_on": "low", "environments": {"prod": {}}}
    other = m.with_data(source)
    source["fail_on"] = "blocker"  # the new manifest holds its own copy
    assert (other.path, other.root) == (m.path, m.root)
    assert other.fail_on is Severity.LOW
    assert other.data["fail_on"] == "low"
    assert other.environments["prod"].production is True
    assert m.fail_on is Severity.HIGH


def test_a_manifest_error_reads_as_one_problem_per_line(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest("version: 1\nfail_on: x\nperf: 3\n", tmp_path / "l.yml", "m.yml")
    assert str(caught.value) == (
        'm.yml:2:10: fail_on: got "x"; expected one of: blocker, high, medium, low, info\n'
        "m.yml:3:7: perf: got 3; expected a mapping"
    )
