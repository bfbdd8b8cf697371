"""The issue's acceptance scenario against a real NSD: every planted misconfiguration is found,
the correctly configured domain has nothing above low, and the refused domain is an error with
the reason, never "missing"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from launchgate.checkapi import CheckContext
from launchgate.dnscheck.check import SPEC
from launchgate.findings import CheckResult, Finding, Severity
from launchgate.store import Store
from tests.dnscheck.scenario import (
    FINE_MAIL,
    GOOD,
    PLANTED,
    PLANTED_DKIM,
    REFUSED,
    dkim_manifest_text,
    manifest_text,
    serve_policy,
    write_manifest,
    zones,
)
from tests.fixtures.https import PKI
from tests.fixtures.nsd import Nsd, start_nsd


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nsd]:
    nsd = start_nsd(tmp_path_factory.mktemp("nsd"), zones())
    yield nsd
    nsd.stop()


def run_check(directory: Path, text: str, ca_file: Path) -> CheckResult:
    manifest = write_manifest(directory, text)
    ctx = CheckContext(
        root=directory,
        manifest=manifest,
        store=Store(directory / "state"),
        params={"ca_bundle": str(ca_file)},
    )
    result = SPEC.run(ctx)
    assert isinstance(result, CheckResult)
    return result


@pytest.fixture(scope="module")
def result(
    server: Nsd, pki: PKI, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CheckResult]:
    https = HTTPServer(host="127.0.0.1", port=0, ssl_context=pki.leaf("good").server_context())
    serve_policy(https)
    https.start()
    try:
        text = manifest_text(server.address, https.port)
        yield run_check(tmp_path_factory.mktemp("run"), text, pki.ca_file)
    finally:
        https.stop()


def on(result: CheckResult, domain: str) -> list[Finding]:
    return [f for f in result.findings if f.location.domain == domain]


@pytest.mark.parametrize(("domain", "rule"), PLANTED, ids=[f"{d}:{r}" for d, r in PLANTED])
def test_every_planted_problem_is_found(result: CheckResult, domain: str, rule: str) -> None:
    assert rule in {f.rule for f in on(result, domain)}, [f.rule for f in on(result, domain)]


def test_planted_severities_are_the_designed_ones(result: CheckResult) -> None:
    worst = {(f.location.domain, f.rule): f.severity for f in result.findings}
    assert worst[("app.web.test", "dns.takeover-risk")] is Severity.BLOCKER
    assert worst[("gone.web.test", "dns.dangling-cname")] is Severity.BLOCKER
    assert worst[("plusall.test", "email.spf-plus-all")] is Severity.BLOCKER
    assert worst[("lookups.test", "email.spf-too-many-lookups")] is Severity.HIGH
    assert worst[("slow.web.test", "dns.ttl-high")] is Severity.LOW
    assert worst[("ptr.test", "email.spf-ptr")] is Severity.LOW
    # top: a, mx, 3 includes = 5; i1: 3 a + mx = 4; i2: a, include, mx = 3 plus i1 again = 7
    lookups = next(f for f in on(result, "lookups.test") if "lookups" in f.rule)
    assert "needs 16 DNS lookups" in lookups.message


@pytest.mark.parametrize("domain", [*GOOD, *FINE_MAIL])
def test_correct_domains_have_nothing_above_low(result: CheckResult, domain: str) -> None:
    assert [(f.rule, f.message) for f in on(result, domain) if f.severity.rank > 1] == []


def test_the_good_domain_has_no_finding_at_all(result: CheckResult) -> None:
    assert [f.rule for f in on(result, "app.test")] == []
    assert [f.rule for f in on(result, "www.app.test")] == []


def test_refused_domain_is_an_error_with_the_reason_never_missing(result: CheckResult) -> None:
    refused = [f for f in result.findings if REFUSED in (f.location.domain or "")]
    assert refused, "the refused domain must be reported"
    assert {f.rule for f in refused} == {"dns.lookup-failed"}
    assert all("REFUSED" in f.message for f in refused)
    assert result.error is not None and "could not check" in result.error
    assert "could not be checked" in result.summary


def test_dkim_selectors(server: Nsd, pki: PKI, tmp_path: Path) -> None:
    dkim = run_check(tmp_path, dkim_manifest_text(server.address), pki.ca_file)
    found = {
        (f.message.split("'")[1], f.rule, f.severity) for f in dkim.findings if "dkim" in f.rule
    }
    assert found == {
        ("nope", "email.dkim-missing", Severity.HIGH),
        ("old", "email.dkim-revoked", Severity.HIGH),
        ("k1024", "email.dkim-weak-key", Severity.MEDIUM),
        ("k512", "email.dkim-weak-key", Severity.HIGH),
        ("bad", "email.dkim-invalid", Severity.HIGH),
    }
    assert len(PLANTED_DKIM) == len(found)
    assert dkim.error is None
