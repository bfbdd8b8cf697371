"""SARIF output, validated against the official SARIF 2.1.0 schema (OASIS, draft-04)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchgate.findings import Finding
from launchgate.report import sarif
from launchgate.report._common import clean
from tests.report.conftest import (
    HOSTILE,
    hostile_findings,
    hostile_text,
    make_finding,
    make_report,
)

# The team's reference copy (../shared, beside the checkout in our CI) when present; otherwise the
# identical copy vendored for CI elsewhere (GitHub), which a test keeps in step with the reference.
_SHARED = (
    Path(__file__).resolve().parents[2].parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)
_VENDORED = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "sarif-schema-2.1.0.json"
SCHEMA_FILE = _SHARED if _SHARED.is_file() else _VENDORED

# RFC 3986: unreserved, reserved and percent-encoded octets; nothing else.
_URI_CHARS = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
_format_checker = jsonschema.FormatChecker()


@_format_checker.checks("uri-reference")
def _is_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(_URI_CHARS, value) is not None


@_format_checker.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or (
        re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:" + _URI_CHARS, value) is not None
    )


@pytest.fixture(scope="module")
def validator() -> Any:
    # CI and every developer have shared/ beside the checkout: a missing schema is a failure.
    assert SCHEMA_FILE.is_file(), f"the official SARIF schema is not at {SCHEMA_FILE}"
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator  # what the file's "$schema" says
    cls.check_schema(schema)
    return cls(schema, format_checker=_format_checker)


def _render(validator: Any, report: Any, **kwargs: Any) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(sarif.render(report, **kwargs))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return log


def _rich_findings() -> list[Finding]:
    return [
        make_finding(
            "secrets",
            "secrets.github-token",
            "blocker",
            "GitHub token",
            "ghp_…xY12 in source",
            remediation="Rotate the token.",
            path="src/app.py",
            line=12,
            column=7,
            commit="c" * 40,
        ),
        make_finding("secrets", "secrets.github-token", "high", "GitHub token", path="b.py"),
        make_finding("env", "env.missing", "high", "DATABASE_URL missing", remediation=""),
        make_finding("smoke", "smoke.status", "medium", "500 on /login", url="https://x.test/a"),
        make_finding("dns", "dns.spf", "low", "SPF lookups", domain="example.com"),
        make_finding("perf", "perf.regression", "info", "p95 +40%", route="GET /"),
    ]


def test_rich_report_is_valid(validator: Any) -> None:
    suppressed = [(make_finding("secrets", "secrets.test-key", "low", path="t.py"), "test key")]
    report = make_report(
        _rich_findings(), errors={"tls": "handshake failed"}, suppressed=suppressed
    )
    log = _render(validator, report)
    assert log["version"] == "2.1.0" and log["$schema"]
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("launchgate", "1.2.3")
    assert driver["informationUri"].startswith("https://")
    assert len(run["results"]) == 7
    assert run["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {"text": "check tls could not run: handshake failed"},
                    "descriptor": {"id": "tls"},
                }
            ],
        }
    ]


def test_rules_are_unique_sorted_and_indexed(validator: Any) -> None:
    run = _render(validator, make_report(_rich_findings()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(set(ids))
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    token = rules[ids.index("secrets.github-token")]
    # The rule's defaults come from its worst finding (blocker), not the first seen.
    assert token["defaultConfiguration"] == {"level": "error"}
    assert token["properties"] == {
        "security-severity": "9.5",
        "tags": ["secrets", "launchgate", "security"],
    }
    assert token["shortDescription"] == {"text": "GitHub token"}
    assert token["help"] == {
        "text": "Rotate the token.",
        "markdown": "**Remediation:** Rotate the token.",
    }
    assert rules[ids.index("perf.regression")]["properties"]["tags"] == ["perf", "launchgate"]
    assert rules[ids.index("env.missing")]["help"]["text"]  # never empty


@pytest.mark.parametrize(
    ("severity", "level", "score"),
    [
        ("blocker", "error", "9.5"),
        ("high", "error", "8.0"),
        ("medium", "warning", "5.5"),
        ("low", "note", "3.0"),
        ("info", "note", "0.0"),
    ],
)
def test_levels_and_security_severity(
    validator: Any, severity: str, level: str, score: str
) -> None:
    run = _render(validator, make_report([make_finding(severity=severity)]))["runs"][0]
    assert run["results"][0]["level"] == level
    assert run["tool"]["driver"]["rules"][0]["properties"]["security-severity"] == score
    assert 0.0 <= float(score) <= 10.0


def test_file_location_is_relative_with_region(validator: Any, tmp_path: Path) -> None:
    findings = [
        make_finding(rule="a.rel", path="src/app.py", line=12, column=7),
        make_finding(rule="b.abs", path=str(tmp_path / "pkg" / "mod.py"), line=3),
        make_finding(rule="c.win", path="pkg\\win.py"),
        make_finding(rule="d.dot", path="./pkg/../top.py", line=0),
    ]
    run = _render(validator, make_report(findings), root=tmp_path)["runs"][0]
    physical = {r["ruleId"]: r["locations"][0]["physicalLocation"] for r in run["results"]}
    assert physical["a.rel"] == {
        "artifactLocation": {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12, "startColumn": 7},
    }
    assert physical["b.abs"]["artifactLocation"]["uri"] == "pkg/mod.py"
    assert physical["b.abs"]["region"] == {"startLine": 3}
    assert physical["c.win"] == {
        "artifactLocation": {"uri": "pkg/win.py", "uriBaseId": "%SRCROOT%"}
    }
    assert physical["d.dot"]["artifactLocation"]["uri"] == "top.py"
    assert "region" not in physical["d.dot"]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("src/my file.py", "src/my%20file.py"),
        ("src/café.py", "src/caf%C3%A9.py"),
        ("a#b?c.py", "a%23b%3Fc.py"),
        ("dir:colon/x.py", "dir%3Acolon/x.py"),  # would otherwise read as a URI scheme
        ("50%.py", "50%25.py"),
        ("[x] (y).py", "%5Bx%5D%20%28y%29.py"),
    ],
)
def test_uris_are_percent_encoded(validator: Any, path: str, uri: str) -> None:
    run = _render(validator, make_report([make_finding(path=path, line=1)]))["runs"][0]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == uri
    assert unquote(uri) == path


def test_findings_without_a_file_sit_on_the_manifest(validator: Any, tmp_path: Path) -> None:
    findings = [
        make_finding("smoke", "smoke.status", url="https://www.example.com/login", route="login"),
        make_finding("dns", "dns.spf", domain="example.com"),
        make_finding("secrets", "secrets.outside", path="/etc/passwd", line=3),
    ]
    run = _render(validator, make_report(findings))["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    for result in by_rule.values():
        physical = result["locations"][0]["physicalLocation"]
        assert physical == {
            "artifactLocation": {"uri": "launchready.yml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 1},
        }
    assert by_rule["smoke.status"]["locations"][0]["logicalLocations"] == [
        {"name": "login", "fullyQualifiedName": "route:login", "kind": "resource"},
        {
            "name": "https://www.example.com/login",
            "fullyQualifiedName": "url:https://www.example.com/login",
            "kind": "resource",
        },
    ]
    assert by_rule["dns.spf"]["message"]["text"].endswith("\n(at example.com)")
    assert by_rule["secrets.outside"]["message"]["text"].endswith("\n(at /etc/passwd:3)")
    custom = _render(
        validator, make_report(findings), root=tmp_path, manifest=str(tmp_path / "ops/gate.yml")
    )
    uri = custom["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "ops/gate.yml"


def test_fingerprints_properties_and_suppressions(validator: Any) -> None:
    kept = make_finding(rule="a.kept", path="a.py", commit="d" * 40, fingerprint="f" * 32)
    gone = make_finding(rule="b.gone", path="b.py", fingerprint="e" * 32)
    log = _render(validator, make_report([kept], suppressed=[(gone, "test fixture, not a key")]))
    kept_result, gone_result = log["runs"][0]["results"]
    assert kept_result["partialFingerprints"] == {"launchgateFingerprint/v1": "f" * 32}
    assert kept_result["properties"] == {
        "severity": "high",
        "check": "secrets",
        "commit": "d" * 40,
        "remediation": "Fix it.",
    }
    assert "suppressions" not in kept_result
    assert gone_result["suppressions"] == [
        {"kind": "external", "justification": "test fixture, not a key"}
    ]
    assert gone_result["partialFingerprints"] == {"launchgateFingerprint/v1": "e" * 32}


def test_empty_report_is_valid(validator: Any) -> None:
    run = _render(validator, make_report(checks=["env"]))["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_hostile_text_is_valid_json_and_sarif(validator: Any) -> None:
    findings = [
        make_finding(rule=f"r.{h}", title=h, message=h, remediation=h, path=f"p/{h}", url=h)
        for h in HOSTILE
    ]
    text = sarif.render(make_report(findings, errors={"dns": HOSTILE[-3]}))
    text.encode("utf-8")  # no lone surrogates survive
    run = _render(validator, make_report(findings, errors={"dns": HOSTILE[-3]}))["runs"][0]
    # One result per finding, each still saying what the finding said (minus unprintable text).
    assert sorted(r["ruleId"] for r in run["results"]) == sorted(f"r.{clean(h)}" for h in HOSTILE)
    for result in run["results"]:
        hostile = result["ruleId"].removeprefix("r.")
        assert result["message"]["text"].startswith(f"{hostile}: {hostile}")
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == f"check dns could not run: {clean(HOSTILE[-3])}"


_finding = hostile_findings(
    st.sampled_from(["secrets", "smoke", "tls"]),
    line=st.one_of(st.none(), st.integers(-5, 10**7)),
    column=st.one_of(st.none(), st.integers(-5, 500)),
)


@settings(max_examples=100, deadline=None)
@given(
    findings=st.lists(_finding, max_size=4),
    suppressed=st.lists(st.tuples(_finding, hostile_text), max_size=2),
)
def test_any_findings_give_valid_sarif(
    validator: Any, findings: list[Finding], suppressed: list[tuple[Finding, str]]
) -> None:
    log = _render(validator, make_report(findings, suppressed=suppressed))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(findings) + len(suppressed)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri and not uri.startswith("/") and ":" not in uri.split("/")[0]


def test_the_validator_has_teeth(validator: Any) -> None:
    log = json.loads(sarif.render(make_report([make_finding(path="a.py", line=1)])))
    result = log["runs"][0]["results"][0]
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.py"
    result["level"] = "fatal"
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    messages = {e.message for e in validator.iter_errors(log)}
    assert "'a b.py' is not a 'uri-reference'" in messages
    assert any("'fatal' is not one of" in m for m in messages)
    assert "0 is less than the minimum of 1" in messages


def test_results_past_the_limit_are_counted_not_uploaded(validator: Any) -> None:
    findings = [make_finding(rule=f"r.{s}", severity=s) for s in ("low", "blocker", "info", "high")]
    suppressed = [(make_finding(rule="r.sup", severity="blocker"), "accepted")]
    log = _render(validator, make_report(findings, suppressed=suppressed), max_results=2)
    run = log["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["r.blocker", "r.high"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["r.blocker", "r.high"]
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert note["message"]["text"].startswith("3 findings left out")
    assert run["invocations"][0]["executionSuccessful"] is True


def test_default_limit_is_code_scannings() -> None:
    findings = [
        make_finding(rule=f"r.{i % 100}", path=f"f{i}.py", fingerprint=f"{i:032x}")
        for i in range(sarif.MAX_RESULTS + 5)
    ]
    log = json.loads(sarif.render(make_report(findings)))
    assert len(log["runs"][0]["results"]) == sarif.MAX_RESULTS == 25_000


def test_rule_help_comes_from_the_catalogue_when_the_check_gives_one(validator: Any) -> None:
    import dataclasses

    from launchgate.findings import RuleInfo

    finding = make_finding(rule="env.missing", title="DB_URL is missing in production")
    report = dataclasses.replace(
        make_report([finding]),
        rules={
            "env.missing": RuleInfo(
                "env.missing", "Required variable missing", "Long text.", "Set it."
            )
        },
    )
    log = json.loads(sarif.render(report))
    validator.validate(log)
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["shortDescription"]["text"] == "Required variable missing"
    assert rule["fullDescription"]["text"] == "Long text."
    assert rule["help"]["text"] == "Set it."


def test_vendored_schema_is_the_reference_schema() -> None:
    assert json.loads(_VENDORED.read_text()) == json.loads(SCHEMA_FILE.read_text())
