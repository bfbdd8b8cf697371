"""SPF, DMARC and DKIM parsers: exact verdicts on known records, and property tests that any text
gives a clear verdict (valid, or errors in words) without an exception."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from launchgate.dnscheck.dkim import key_verdict, parse_dkim
from launchgate.dnscheck.dmarc import is_dmarc, parse_dmarc, policy_rank, report_domain
from launchgate.dnscheck.spf import domain_spec_error, is_spf, parse_spf
from launchgate.dnscheck.tags import parse_tags
from launchgate.findings import Severity
from tests.dnscheck.scenario import ed25519_key, rsa_key

SPF_WORDS = st.sampled_from(
    ["v=spf1", "-all", "~all", "+all", "?all", "include:", "a", "mx", "ptr", "ip4:", "ip6:",
     "exists:", "redirect=", "exp=", "/", "//", ":", "=", "%{i}", "%%", "%", "example.com",
     "192.0.2.1", "::1", "24", " ", "  "]
)  # fmt: skip


@given(st.text(max_size=200) | st.lists(SPF_WORDS, max_size=12).map("".join))
def test_spf_parser_never_crashes_and_always_gives_a_verdict(text: str) -> None:
    record = parse_spf(text)
    assert all(isinstance(e, str) and e for e in record.errors)
    if not is_spf(text):
        assert record.errors == ("does not start with 'v=spf1'",)
    if not record.errors:
        assert all(t.text in text for t in record.terms)


@given(
    st.text(max_size=200)
    | st.lists(
        st.sampled_from(
            [
                "v=DMARC1",
                ";",
                "p=",
                "reject",
                "none",
                "sp=",
                "pct=",
                "50",
                "rua=",
                "mailto:a@b.test",
                ",",
                "=",
                " ",
            ]
        ),
        max_size=14,
    ).map("".join)
)
def test_dmarc_parser_never_crashes(text: str) -> None:  # fmt: skip
    record = parse_dmarc(text)
    assert all(isinstance(e, str) and e for e in record.errors)
    assert record.errors or record.policy in ("none", "quarantine", "reject")


@given(st.text(max_size=300))
def test_dkim_parser_and_key_verdict_never_crash(text: str) -> None:
    record = parse_dkim(text)
    assert all(isinstance(e, str) and e for e in record.errors)
    if not record.errors and not record.revoked:
        verdict = key_verdict(record)
        assert verdict.description
        assert verdict.severity is None or isinstance(verdict.severity, Severity)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("v=spf1 -all", None),
        ("V=SPF1 include:_spf.google.com ~all", None),
        ("v=spf1 a mx/24 a:mail.example.com/24//64 ip6:2001:db8::/32 -all", None),
        ("v=spf1 exists:%{i}._spf.example.com redirect=_spf.example.com", None),
        ("v=spf1 ip4:999.1.1.1 -all", "is not an ip4 address"),
        ("v=spf1 ip4:192.0.2.0/33 -all", "is not an ip4 address"),
        ("v=spf1 ip6:192.0.2.1 -all", "is not an ip6 address"),
        ("v=spf1 include -all", "'include' needs ':domain'"),
        ("v=spf1 foo -all", "unknown mechanism 'foo'"),
        ("v=spf1 all:x", "'all' takes no argument"),
        ("v=spf1 include:localhost -all", "not a fully qualified domain name"),
        ("v=spf1 redirect=a.example redirect=b.example", "'redirect=' appears more than once"),
        ("v=spf1 exists:%{z}.example.com -all", "invalid macro"),
        ("v=spf1 a:bad_label-.example.com -all", "not a valid domain name"),
        ("v=spf10 -all", "does not start with 'v=spf1'"),
        ("v=spf1 ptr/24 -all", "malformed argument"),
        ("v=spf1 mx/99 -all", "prefix length must be 0-32"),
    ],
)
def test_spf_syntax_verdicts(text: str, error: str | None) -> None:
    errors = parse_spf(text).errors
    if error is None:
        assert errors == ()
    else:
        assert len(errors) == 1 and error in errors[0], errors


def test_spf_lookup_terms_and_redirect_rules() -> None:
    record = parse_spf("v=spf1 a mx ip4:192.0.2.1 include:x.example ptr exists:y.example ~all")
    assert [t.name for t in record.lookup_terms] == ["a", "mx", "include", "ptr", "exists"]
    assert record.all_term is not None and record.all_term.qualifier == "~"
    with_all = parse_spf("v=spf1 -all redirect=x.example")
    assert with_all.redirect is None  # ignored when an all is present (RFC 7208 6.1)
    assert [t.name for t in with_all.lookup_terms] == []
    only = parse_spf("v=spf1 redirect=x.example")
    assert only.redirect == "x.example" and [t.name for t in only.lookup_terms] == ["redirect"]


def test_domain_specs() -> None:
    assert domain_spec_error("example.com.") is None
    assert domain_spec_error("_spf.example.com") is None
    assert domain_spec_error("") == "an empty domain"
    assert domain_spec_error("example.123") is not None


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("v=DMARC1; p=reject; rua=mailto:d@example.com", None),
        ("v=DMARC1;p=quarantine;sp=none;pct=50;adkim=s", None),
        ("v=DMARC1; p=maybe", "p='maybe' is not none, quarantine or reject"),
        ("v=DMARC1; rua=mailto:d@example.com", "no policy (p=) tag"),
        ("v=DMARC1; p=none; pct=101", "pct='101' is not a number from 0 to 100"),
        ("v=DMARC1; p=none; rua=https://example.com", "is not a mailto: address"),
        ("v=DMARC1; p=none; p=reject", "tag 'p' appears more than once"),
        ("v=DMARC1; p=none; adkim=x", "adkim='x' is not r or s"),
        ("p=reject; v=DMARC1", "does not start with 'v=DMARC1'"),
    ],
)
def test_dmarc_verdicts(text: str, error: str | None) -> None:
    errors = parse_dmarc(text).errors
    if error is None:
        assert errors == ()
    else:
        assert len(errors) == 1 and error in errors[0], errors


def test_dmarc_policy_details() -> None:
    record = parse_dmarc("v=DMARC1; p=Reject; sp=none; pct=20; rua=mailto:a@x.test!10m,mailto:b@y")
    assert (record.policy, record.subdomain_policy, record.pct) == ("reject", "none", 20)
    assert record.policy_for(subdomain=True) == "none"
    assert record.policy_for(subdomain=False) == "reject"
    assert [report_domain(u) for u in record.rua] == ["x.test", "y"]
    assert is_dmarc("v = DMARC1 ;p=none") and not is_dmarc("v=DMARC10; p=none")
    assert [policy_rank(p) for p in ("none", "quarantine", "reject", "x")] == [0, 1, 2, -1]


def test_tag_lists() -> None:
    assert parse_tags(" v = DKIM1 ; k=rsa;; p=AB CD ;") == (
        {"v": "DKIM1", "k": "rsa", "p": "AB CD"},
        [],
    )
    assert parse_tags("novalue; =x")[1] == [
        "'novalue' is not a tag=value pair",
        "'=x' is not a tag=value pair",
    ]


@pytest.mark.parametrize(
    ("bits", "severity"),
    [(512, Severity.HIGH), (1024, Severity.MEDIUM), (2048, None)],
)
def test_rsa_key_strength(bits: int, severity: Severity | None) -> None:
    key = rsa_key(bits)
    spaced = " ".join(key[i : i + 60] for i in range(0, len(key), 60))  # FWS inside p= is allowed
    verdict = key_verdict(parse_dkim(f"v=DKIM1; k=rsa; p={spaced}"))
    assert (verdict.bits, verdict.severity) == (bits, severity)


def test_dkim_records() -> None:
    assert key_verdict(parse_dkim(f"v=DKIM1; k=ed25519; p={ed25519_key()}")).severity is None
    short = base64.b64encode(b"x" * 31).decode()
    assert key_verdict(parse_dkim(f"k=ed25519; p={short}")).severity is Severity.HIGH
    assert key_verdict(parse_dkim("p=!!!")).description == "the public key is not valid base64"
    assert key_verdict(parse_dkim("k=dsa; p=AAAA")).severity is Severity.HIGH
    assert parse_dkim("v=DKIM1; p=").revoked
    assert not parse_dkim("v=DKIM1").revoked  # no p= at all is invalid, not revoked
    assert parse_dkim("k=rsa; v=DKIM1; p=AAAA").errors == ("v=DKIM1 must be the first tag",)
    assert parse_dkim("v=DKIM1; t=y:s; p=AAAA").testing
