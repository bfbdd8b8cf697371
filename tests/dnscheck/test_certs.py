"""Certificates of declared names: thresholds pinned exactly, then real HTTPS servers (trustme)
reached at the address the real NSD gives for the name. The test CA is known to CAA through the
scenario's trustme pack, which every manifest written by ``write_manifest`` names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from launchgate.dnscheck.certs import caa_property, caa_values, expiry_issue
from launchgate.findings import Severity
from launchgate.web.tls import CertificateInfo
from tests.dnscheck.test_check import run
from tests.fixtures.https import PKI, HttpsServerFactory

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def info(days: float) -> CertificateInfo:
    return CertificateInfo(
        host="app.test",
        port=443,
        subject="CN=app.test",
        issuer="O=Test CA",
        sans=("app.test",),
        not_before=NOW - dt.timedelta(days=60),
        not_after=NOW + dt.timedelta(days=days),
        hostname_match=True,
        chain_verified=True,
        verify_error=None,
        tls_version="TLSv1.3",
        sha256="0" * 64,
    )


@pytest.mark.parametrize(
    ("days", "min_days", "expected"),
    [
        (-0.01, 30, ("tls.expired", Severity.BLOCKER)),
        (0.5, 30, ("tls.expires-soon", Severity.HIGH)),
        (6.99, 30, ("tls.expires-soon", Severity.HIGH)),
        (7.01, 30, ("tls.expires-soon", Severity.MEDIUM)),
        (13.99, 30, ("tls.expires-soon", Severity.MEDIUM)),
        (14.01, 30, ("tls.expires-soon", Severity.LOW)),
        (29.99, 30, ("tls.expires-soon", Severity.LOW)),
        (30.01, 30, None),
        (40, 45, ("tls.expires-soon", Severity.LOW)),
        (20, 21, ("tls.expires-soon", Severity.LOW)),
        (22, 21, None),
    ],
)
def test_expiry_thresholds(
    days: float, min_days: int, expected: tuple[str, Severity] | None
) -> None:
    found = expiry_issue("app.test", info(days), min_days, NOW)
    assert (None if found is None else (found.rule, found.severity)) == expected


def test_caa_values() -> None:
    records = ['0 issue "letsencrypt.org; validationmethods=dns-01"', '0 iodef "mailto:x@y"']
    assert caa_values(records) == {"letsencrypt.org"}
    assert caa_values(['0 iodef "mailto:x@y"']) is None  # no issue property: any CA
    assert caa_values(['0 issue ";"']) == set()  # no CA at all
    assert caa_values(['0 issuewild "pki.goog"'], "issuewild") == {"pki.goog"}


ZONES = {
    "app.test": """
@ IN A 127.0.0.1
www IN A 127.0.0.1
@ IN CAA 0 issue "letsencrypt.org"
www IN CAA 0 issue "trustme.test"
"""
}


def manifest(nameserver: str, port: int, names: tuple[str, ...] = ("app.test",)) -> str:
    domains = "".join(f"  - {{name: {n}, tls: {{port: {port}}}}}\n" for n in names)
    return f"""version: 1
domains:
{domains}rules: {{packs: [trustme.yml]}}
dns: {{resolvers: ["{nameserver}"], drift: false}}
"""


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("expired", {("tls.expired", Severity.BLOCKER)}),
        ("nearly-expired", {("tls.expires-soon", Severity.HIGH)}),
        ("wrong-host", {("tls.hostname-mismatch", Severity.HIGH)}),
        ("missing-intermediate", {("tls.chain-invalid", Severity.HIGH)}),
    ],
)
def test_certificate_problems_on_real_servers(
    nsd, https_server: HttpsServerFactory, pki: PKI, tmp_path: Path, kind: str, expected: set
) -> None:
    dns_server = nsd(ZONES)
    server = https_server(kind)
    text = manifest(dns_server.address, server.port, ("www.app.test",))
    result = run(tmp_path, text, ca_bundle=str(pki.ca_file))
    assert {(f.rule, f.severity) for f in result.findings} == expected
    assert result.error is None


@pytest.mark.parametrize(
    ("sans", "records", "expected"),
    [
        (("*.app.test",), ['0 issue "a.org"', '0 issuewild "b.org"'], "issuewild"),
        (("*.APP.test.",), ['0 issuewild ";"'], "issuewild"),
        (("*.app.test",), ['0 issue "a.org"'], "issue"),  # no issuewild: issue applies
        (("www.app.test", "*.app.test"), ['0 issuewild "b.org"'], "issue"),  # named outright
        (("app.test",), ['0 issuewild "b.org"'], "issue"),  # not a wildcard certificate
        (("*.test",), ['0 issuewild "b.org"'], "issue"),  # a wildcard one level too high
    ],
)
def test_a_wildcard_certificate_is_judged_by_issuewild(
    sans: tuple[str, ...], records: list[str], expected: str
) -> None:
    assert caa_property("www.app.test", sans, records) == expected


def test_good_certificate_and_caa_against_the_issuer(
    nsd, https_server: HttpsServerFactory, pki: PKI, tmp_path: Path
) -> None:
    dns_server = nsd(ZONES)
    server = https_server("good")
    text = manifest(dns_server.address, server.port, ("app.test", "www.app.test"))
    result = run(tmp_path, text, ca_bundle=str(pki.ca_file))
    assert [(f.rule, f.location.domain) for f in result.findings] == [
        ("dns.caa-forbids-issuer", "app.test")
    ]
    assert "the test CA" in result.findings[0].message
    assert "letsencrypt.org" in result.findings[0].message
    # Both certificates are recorded as facts, the healthy one too (for the handover).
    assert [(c.check, c.host, c.port, c.names[:2]) for c in result.certificates] == [
        ("dns", "app.test", server.port, ("app.test", "www.app.test")),
        ("dns", "www.app.test", server.port, ("app.test", "www.app.test")),
    ]
    assert all(c.chain_verified and c.hostname_match for c in result.certificates)


def test_https_not_answering_is_could_not_check(nsd, pki: PKI, tmp_path: Path) -> None:
    dns_server = nsd(ZONES)
    from tests.fixtures.https import free_port

    result = run(tmp_path, manifest(dns_server.address, free_port(), ("www.app.test",)))
    assert [f.rule for f in result.findings] == ["dns.lookup-failed"]
    assert "refused the connection" in result.findings[0].message
    assert result.error is not None
