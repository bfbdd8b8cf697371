"""The MTA-STS policy fetched as a sender would, from a real HTTPS server on 127.0.0.1 (test-CA
certificate for mta-sts.app.test), its host found through a real NSD. The parsing and verdicts
are pinned exactly in test_stspolicy.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from launchgate.findings import CheckResult, Severity
from tests.dnscheck.test_check import run
from tests.fixtures.https import PKI, silent_port
from tests.fixtures.nsd import Nsd, start_nsd

__all__ = ["silent_port"]

GOOD = (
    "version: STSv1\r\nmode: enforce\r\nmx: mx.app.test\r\nmx: mx2.app.test\r\nmax_age: 604800\r\n"
)
MAIL = """
@ IN MX 10 mx.{o}.
@ IN MX 20 mx2.{o}.
mx IN A 127.0.0.1
mx2 IN A 127.0.0.1
@ IN TXT "v=spf1 -all"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@{o}"
_mta-sts IN TXT "v=STSv1; id=1"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@{o}"
"""


# -- fetched from a real server ---------------------------------------------------------------


@pytest.fixture(scope="module")
def dns_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nsd]:
    zones = {
        "app.test": MAIL.format(o="app.test") + "mta-sts IN A 127.0.0.1\n",
        "nohost.test": MAIL.format(o="nohost.test"),
    }
    server = start_nsd(tmp_path_factory.mktemp("nsd"), zones)
    yield server
    server.stop()


def check(
    dns_server: Nsd, pki: PKI, tmp_path: Path, port: int, domain: str = "app.test"
) -> CheckResult:
    text = f"""version: 1
email:
  domains: [{domain}]
  mta_sts: {{port: {port}, min_max_age_days: 7}}
dns: {{resolvers: ["{dns_server.address}"], timeout_ms: 1000, drift: false}}
"""
    return run(tmp_path, text, ca_bundle=str(pki.ca_file))


def sts(result: CheckResult) -> list[tuple[str, Severity]]:
    return [(f.rule, f.severity) for f in result.findings if "mta-sts" in f.rule]


def serving(pki: PKI, kind: str = "good") -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=pki.leaf(kind).server_context())
    server.start()
    return server


@pytest.fixture
def https(pki: PKI) -> Iterator[HTTPServer]:
    server = serving(pki)
    yield server
    server.stop()


def test_a_good_policy_covering_every_mx_gives_nothing(
    dns_server: Nsd, pki: PKI, https: HTTPServer, tmp_path: Path
) -> None:
    https.expect_request("/.well-known/mta-sts.txt").respond_with_data(
        GOOD, content_type="text/plain"
    )
    result = check(dns_server, pki, tmp_path, https.port)
    assert result.findings == ()
    assert result.error is None
    assert len(https.log) == 1  # fetched once, as a sender would


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (GOOD.replace("mx: mx2.app.test\r\n", ""), [("email.mta-sts-mx-mismatch", Severity.HIGH)]),
        (GOOD.replace("mx: mx.app.test\r\nmx: mx2.app.test", "mx: *.app.test"), []),
        (
            GOOD.replace("enforce", "testing"),
            [("email.mta-sts-not-enforced", Severity.LOW)],
        ),
        (GOOD.replace("604800", "86400"), [("email.mta-sts-max-age-short", Severity.LOW)]),
        (GOOD.replace("STSv1", "STSv2"), [("email.mta-sts-policy-invalid", Severity.MEDIUM)]),
    ],
)
def test_the_fetched_policy_is_judged(
    dns_server: Nsd,
    pki: PKI,
    https: HTTPServer,
    tmp_path: Path,
    policy: str,
    expected: list[tuple[str, Severity]],
) -> None:
    https.expect_request("/.well-known/mta-sts.txt").respond_with_data(policy)
    assert sts(check(dns_server, pki, tmp_path, https.port)) == expected


@pytest.mark.parametrize(
    ("status", "headers", "said"),
    [
        (404, {}, "answers HTTP 404, not 200"),
        (301, {"Location": "https://www.app.test/policy.txt"}, "redirects (HTTP 301) to"),
    ],
)
def test_a_policy_that_cannot_be_fetched_is_unavailable(
    dns_server: Nsd,
    pki: PKI,
    https: HTTPServer,
    tmp_path: Path,
    status: int,
    headers: dict[str, str],
    said: str,
) -> None:
    https.expect_request("/.well-known/mta-sts.txt").respond_with_data(
        GOOD, status=status, headers=headers
    )
    result = check(dns_server, pki, tmp_path, https.port)
    (finding,) = [f for f in result.findings if "mta-sts" in f.rule]
    assert (finding.rule, finding.severity) == ("email.mta-sts-policy-unavailable", Severity.MEDIUM)
    assert said in finding.message
    assert "Senders act as if it had no MTA-STS." in finding.message
    assert result.error is None


def test_a_certificate_not_for_the_policy_host_makes_the_policy_unavailable(
    dns_server: Nsd, pki: PKI, tmp_path: Path
) -> None:
    server = serving(pki, "wrong-host")
    try:
        server.expect_request("/.well-known/mta-sts.txt").respond_with_data(GOOD)
        result = check(dns_server, pki, tmp_path, server.port)
        assert len(server.log) == 0  # no policy is read from a host that fails TLS
    finally:
        server.stop()
    (finding,) = [f for f in result.findings if "mta-sts" in f.rule]
    assert finding.rule == "email.mta-sts-policy-unavailable"
    assert "TLS failed" in finding.message


def test_a_policy_host_without_address_is_unavailable(
    dns_server: Nsd, pki: PKI, tmp_path: Path
) -> None:
    result = check(dns_server, pki, tmp_path, 443, domain="nohost.test")
    (finding,) = [f for f in result.findings if "mta-sts" in f.rule]
    assert finding.rule == "email.mta-sts-policy-unavailable"
    assert "the policy host mta-sts.nohost.test does not resolve" in finding.message


def test_a_silent_policy_host_is_could_not_check_within_bounded_time(
    dns_server: Nsd, pki: PKI, tmp_path: Path, silent_port: int
) -> None:
    started = time.monotonic()
    text = f"""version: 1
email:
  domains: [app.test]
  mta_sts: {{port: {silent_port}}}
dns: {{resolvers: ["{dns_server.address}"], timeout_ms: 1000, drift: false}}
checks: {{dns: {{timeout_s: 4}}}}
"""
    result = run(tmp_path, text, ca_bundle=str(pki.ca_file))
    assert time.monotonic() - started < 20  # the 3 s budget with room for a loaded machine
    assert sts(result) == []  # never "missing" nor "unavailable"
    (failed,) = [f for f in result.findings if f.rule == "dns.lookup-failed"]
    assert "Could not check mta-sts.app.test MTA-STS policy" in failed.message
    assert result.error is not None and "could not check 1 item(s)" in result.error


def test_a_policy_of_garbage_is_invalid_with_its_first_reasons_only(
    dns_server: Nsd, pki: PKI, https: HTTPServer, tmp_path: Path
) -> None:
    garbage = "\n".join(f"<p>line {i}</p>" for i in range(2000)) + "\x1b[31m"
    https.expect_request("/.well-known/mta-sts.txt").respond_with_data(garbage)
    result = check(dns_server, pki, tmp_path, https.port)
    (finding,) = [f for f in result.findings if "mta-sts" in f.rule]
    assert finding.rule == "email.mta-sts-policy-invalid"
    assert "line 1 ('<p>line 0</p>') is not 'key: value'; line 2 (" in finding.message
    assert "; and 2000 more)" in finding.message  # 2000 lines, then version, mode, max_age
