"""One finding per problem across checks: same file and line, several checks -> the worst one."""

from __future__ import annotations

from launchgate.findings import CheckResult, Finding, Location
from launchgate.overlap import merge_overlaps


def f(check: str, rule: str, severity: str, path: str = ".env", line: int = 2, **loc) -> Finding:
    return Finding(check, rule, severity, rule, "msg.", Location(path=path, line=line, **loc))


def test_the_worst_is_kept_and_names_the_other_which_refers_to_it() -> None:
    env = f("env", "env.test-value-in-production", "high")
    secrets = f("secrets", "secrets.stripe-test-secret-key", "medium")
    merged = merge_overlaps(
        [CheckResult("env", (env,), summary="1 env"), CheckResult("secrets", (secrets,))]
    )
    (kept,) = merged[0].findings
    assert kept.message == (
        "msg. Also found on this line by secrets: secrets.stripe-test-secret-key (medium); "
        "reported once, here."
    )
    assert kept.details["also"] == ["secrets.stripe-test-secret-key"]
    assert merged[1].findings == ()
    assert merged[1].summary == (
        "1 finding(s) reported once under env.test-value-in-production at .env:2"
    )
    assert merged[0].summary == "1 env"


def test_on_a_tie_the_first_check_keeps_it_and_the_worse_wins_otherwise() -> None:
    a, b = f("env", "env.x", "medium"), f("secrets", "secrets.y", "medium")
    merged = merge_overlaps([CheckResult("env", (a,)), CheckResult("secrets", (b,))])
    assert [len(r.findings) for r in merged] == [1, 0]
    a, b = f("env", "env.x", "low"), f("secrets", "secrets.y", "blocker")
    merged = merge_overlaps([CheckResult("env", (a,)), CheckResult("secrets", (b,))])
    assert [len(r.findings) for r in merged] == [0, 1]


def test_different_lines_history_and_one_check_are_left_alone() -> None:
    results = [
        CheckResult("env", (f("env", "env.x", "high"), f("env", "env.y", "low"))),
        CheckResult(
            "secrets",
            (f("secrets", "secrets.y", "high", line=3), f("secrets", "s.z", "high", commit="ab")),
        ),
    ]
    assert merge_overlaps(results) == results


def test_findings_with_the_same_fingerprint_are_left_to_de_duplication() -> None:
    a = Finding("env", "env.x", "low", "t", "msg.", Location(".env", 2), fingerprint="f" * 32)
    b = Finding("secrets", "s.y", "high", "t", "msg.", Location(".env", 2), fingerprint="f" * 32)
    results = [CheckResult("env", (a,)), CheckResult("secrets", (b,))]
    assert merge_overlaps(results) == results


def cert(check: str, rule: str, severity: str, **loc: str) -> Finding:
    return Finding(check, rule, severity, rule, "msg.", Location(**loc))


def test_one_expiring_certificate_seen_by_smoke_and_dns_is_one_finding() -> None:
    """smoke (14-day warning) and dns (30-day) both judge certificates; in one run the same
    host's expiry is reported once, under the worse of the two, naming the other."""
    smoke = cert("smoke", "smoke.tls-expiring", "medium", url="https://www.shop.test:8443")
    dns = cert("dns", "tls.expires-soon", "high", domain="WWW.shop.test.")
    merged = merge_overlaps([CheckResult("smoke", (smoke,)), CheckResult("dns", (dns,))])
    assert merged[0].findings == ()
    (kept,) = merged[1].findings
    assert kept.message == (
        "msg. Also found for this certificate by smoke: smoke.tls-expiring (medium); "
        "reported once, here."
    )
    assert (
        merged[0].summary == "1 finding(s) reported once under tls.expires-soon at WWW.shop.test."
    )


def test_different_certificate_problems_or_hosts_stay_apart() -> None:
    results = [
        CheckResult(
            "smoke",
            (
                cert("smoke", "smoke.tls-expiring", "medium", url="https://www.shop.test/"),
                cert("smoke", "smoke.tls-chain", "high", url="https://api.shop.test/"),
            ),
        ),
        CheckResult(
            "dns",
            (
                cert("dns", "tls.hostname-mismatch", "high", domain="www.shop.test"),
                cert("dns", "tls.chain-invalid", "high", domain="www.shop.test"),
                cert("dns", "dns.caa-missing", "low", domain="www.shop.test"),
            ),
        ),
    ]
    assert merge_overlaps(results) == results
