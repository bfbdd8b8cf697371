"""Findings -> risks: grouping by the pack's families and the ranking."""

from __future__ import annotations

from launchgate.deliver.knowledge import builtin_pack
from launchgate.deliver.risks import MAX_EVIDENCE, evidence_line, risks_from_findings
from launchgate.findings import Severity
from tests.deliver.factories import finding

PACK = builtin_pack()
HEADERS = ["hsts-missing", "csp-missing", "missing-header", "frame-options", "referrer-policy"]


def test_ten_missing_headers_on_one_host_are_one_risk() -> None:
    findings = [
        finding(f"smoke.{rule}", "low", url=f"https://www.shop.test/{page}")
        for rule in HEADERS
        for page in ("", "login")
    ]
    risks = risks_from_findings(findings, PACK)
    assert len(risks) == 1
    (risk,) = risks
    assert risk.family == "security-headers"
    assert risk.count == 10
    assert risk.key == "www.shop.test"
    assert risk.title == "Browser security headers are missing on www.shop.test (10)"
    assert len(risk.evidence) == MAX_EVIDENCE + 1
    assert risk.evidence[-1] == f"... and {10 - MAX_EVIDENCE} more"


def test_same_family_on_two_hosts_is_two_risks() -> None:
    findings = [
        finding("smoke.hsts-missing", "low", url="https://www.shop.test/"),
        finding("smoke.hsts-missing", "low", url="https://api.shop.test/"),
    ]
    assert sorted(r.key for r in risks_from_findings(findings, PACK)) == [
        "api.shop.test",
        "www.shop.test",
    ]


def test_a_risk_takes_its_worst_finding_severity() -> None:
    findings = [
        finding("smoke.hsts-missing", "low", url="https://www.shop.test/"),
        finding("smoke.csp-missing", "high", url="https://www.shop.test/"),
    ]
    (risk,) = risks_from_findings(findings, PACK)
    assert risk.severity is Severity.HIGH
    assert risk.rules == ("smoke.csp-missing", "smoke.hsts-missing")


def test_one_leaked_value_in_three_files_is_rotated_once() -> None:
    same = {"scope": "tree", "redacted": "ghp_…a1b2"}
    findings = [
        finding("secrets.github-token", "blocker", path=p, details=same)
        for p in ("a.py", "b.py", "c.py")
    ]
    findings.append(
        finding(
            "secrets.github-token",
            "blocker",
            path="d.py",
            details={"scope": "tree", "redacted": "ghp_…zz99"},
        )
    )
    risks = risks_from_findings(findings, PACK)
    assert sorted(r.count for r in risks) == [1, 3]
    assert {r.key for r in risks} == {"github-token"}


def test_ranking_is_severity_then_pack_order_then_size() -> None:
    findings = [
        finding("perf.over-budget", "high", route="home"),
        finding("smoke.status-mismatch", "high", route="login"),
        finding("dns.dangling-cname", "blocker", domain="old.shop.test"),
        finding("email.dmarc-missing", "medium", domain="shop.test"),
        finding("smoke.hsts-missing", "high", url="https://a.test/"),
        finding("smoke.csp-missing", "high", url="https://a.test/"),
    ]
    ranked = [r.family for r in risks_from_findings(findings, PACK)]
    # blocker first; among the highs, the pack lists broken routes before headers before speed.
    assert ranked == ["takeover", "route-broken", "security-headers", "slow", "email-auth"]


def test_env_problems_of_one_variable_group_and_fixes_are_capped() -> None:
    findings = [
        finding(
            "env.missing",
            "blocker",
            path="launchready.yml",
            remediation=f"set VAR{i}",
            message=f"VAR{i} is missing in production",
            details={"variable": f"VAR{i}"},
        )
        for i in range(5)
    ]
    (risk,) = risks_from_findings(findings, PACK)
    assert risk.title == "Configuration the app needs is missing (5 problems)"
    assert risk.fixes[-1] == "... and 2 more like these"
    assert len(risk.fixes) == 4


def test_evidence_line_names_the_place_then_the_message() -> None:
    line = evidence_line(
        finding("secrets.x", path="app.py", message="key  in\nfile", details={"scope": "history"})
        | {"location": {"path": "app.py", "line": 3, "commit": "a" * 40}}
    )
    assert line == "app.py:3 commit aaaaaaaaaaaa: key in file"
    assert evidence_line(finding("dns.x", domain="d.test", message="m")) == "d.test: m"


def _env(rule: str, severity: str, variable: str) -> dict[str, object]:
    return finding(f"env.{rule}", severity, path=".env.production", details={"variable": variable})


def test_a_test_key_that_also_fails_its_pattern_is_one_risk() -> None:
    """env-malformed joins env-unsafe-values on the same variable (the pack's ``joins``)."""
    findings = [
        _env("test-value-in-production", "high", "STRIPE_SECRET_KEY"),
        _env("malformed", "high", "STRIPE_SECRET_KEY"),
        _env("malformed", "medium", "PORT"),
    ]
    risks = risks_from_findings(findings, PACK)
    assert [(r.family, r.key, r.count) for r in risks] == [
        ("env-unsafe-values", "STRIPE_SECRET_KEY", 2),
        ("env-malformed", "PORT", 1),
    ]
    assert risks[0].rules == ("env.malformed", "env.test-value-in-production")
    assert risks[0].title == "Production runs with a test or placeholder value (STRIPE_SECRET_KEY)"


def test_a_malformed_value_alone_is_its_own_risk() -> None:
    (risk,) = risks_from_findings([_env("malformed", "high", "STRIPE_SECRET_KEY")], PACK)
    assert risk.family == "env-malformed"


def test_a_route_broken_for_smoke_and_perf_is_one_risk() -> None:
    """perf.no-samples joins route-broken on the same route: login answering 500 is one risk."""
    findings = [
        finding("smoke.server-error", "blocker", route="login", url="https://www.shop.test/login"),
        finding("perf.no-samples", "high", route="login", url="https://www.shop.test/login"),
        finding("perf.no-samples", "high", route="search", url="https://www.shop.test/search"),
    ]
    risks = risks_from_findings(findings, PACK)
    assert [(r.family, r.key, r.severity.value, r.count) for r in risks] == [
        ("route-broken", "login", "blocker", 2),
        ("route-unmeasured", "search", "high", 1),
    ]


def test_one_certificate_seen_by_smoke_and_dns_reports_is_one_risk() -> None:
    """A post-deploy smoke report and a nightly dns report about the same certificate (the gate
    merges them only within one run): the certificate family groups them by host."""
    findings = [
        finding(
            "smoke.tls-expiring", "medium", url="https://www.shop.test:8443", domain="www.shop.test"
        ),
        finding("tls.expires-soon", "high", domain="www.shop.test", check="dns"),
        finding("tls.expires-soon", "low", domain="api.shop.test", check="dns"),
    ]
    risks = risks_from_findings(findings, PACK)
    assert [(r.family, r.key, r.severity.value, r.count) for r in risks] == [
        ("certificate", "www.shop.test", "high", 2),
        ("certificate", "api.shop.test", "low", 1),
    ]


def test_the_same_observation_reported_twice_counts_once() -> None:
    """smoke reports one redirect loop for the ad hoc URL and for the host's edge: one line."""
    loop = "http://shop.test/ redirects in a loop: hop 1: ... hop 2: ..."
    findings = [
        finding("smoke.redirect-loop", "blocker", url="http://shop.test/", message=loop)
        | {"location": {"url": "http://shop.test/", "route": "http://shop.test/"}},
        finding("smoke.redirect-loop", "high", url="http://shop.test/", domain="shop.test")
        | {"message": f" {loop}\n"},
        finding("smoke.redirect-loop", "high", url="http://shop.test/a", message="other loop"),
        finding("smoke.redirect-loop", "high", url="http://shop.test/b", message=loop),
    ]
    (risk,) = risks_from_findings(findings, PACK)
    assert risk.count == 3
    assert risk.severity is Severity.BLOCKER
    assert risk.evidence == (
        f"http://shop.test/: {loop}",
        "http://shop.test/a: other loop",
        f"http://shop.test/b: {loop}",
    )
