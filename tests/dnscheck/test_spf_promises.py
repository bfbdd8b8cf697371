"""Promises of the SPF parser (RFC 7208) that a one-word change would break (pinned by mutation
testing): what is valid, and the exact words of each syntax error a user reads."""

from __future__ import annotations

import pytest

from launchgate.dnscheck.spf import Term, is_spf, parse_spf


def errors(record: str) -> tuple[str, ...]:
    return parse_spf(record).errors


@pytest.mark.parametrize(
    "record",
    [
        "v=spf1 a/0 a/32 mx//0 mx//128 a:mail.example.com/24//64 -all",
        "v=spf1 ip4:192.0.2.1/24 ip6:2001:db8::1/48 ~all",  # host bits set: still a network
        "v=spf1 MX A:Example.COM -ALL",
        "v=spf1 include:ab.c include:ab.c. exists:%{i}._spf.example.com ?all",
        "v=spf1 foo=bar foo=%{i} redirect=_spf.example.com",
        "  v=spf1 -all",
        "v=spf1",
        "V=SPF1 -all",
    ],
)
def test_valid_records_have_no_errors(record: str) -> None:
    assert errors(record) == ()


@pytest.mark.parametrize(
    ("record", "error"),
    [
        ("v=spf1 a/33", "'a/33': IPv4 prefix length must be 0-32"),
        ("v=spf1 mx//129", "'mx//129': IPv6 prefix length must be 0-128"),
        ("v=spf1 include ~all", "'include': 'include' needs ':domain'"),
        ("v=spf1 exists", "'exists': 'exists' needs ':domain'"),
        ("v=spf1 ip4", "'ip4': 'ip4' needs ':address'"),
        ("v=spf1 ip4:300.1.1.1", "'ip4:300.1.1.1': '300.1.1.1' is not an ip4 address or network"),
        ("v=spf1 ip4:2001:db8::1", "'ip4:2001:db8::1': '2001:db8::1' is not an ip4 address"),
        ("v=spf1 ip6:192.0.2.1", "'ip6:192.0.2.1': '192.0.2.1' is not an ip6 address"),
        ("v=spf1 a:x", "'x' is not a fully qualified domain name"),
        ("v=spf1 include:a.b.123", "'a.b.123' is not a fully qualified domain name"),
        ("v=spf1 =foo", "unknown mechanism '=foo'"),
        ("v=spf1 1abc", "unknown mechanism '1abc'"),
        ("v=spf1 1234=x", "unknown mechanism '1234=x'"),  # no name: never a modifier
        ("v=spf1 +redirect=_spf.example.com", "unknown mechanism '+redirect=_spf.example.com'"),
        ("v=spf1 redirect=bad", "'redirect=bad': 'bad' is not a fully qualified domain name"),
        ("v=spf1 exp=bad", "'exp=bad': 'bad' is not a fully qualified domain name"),
        ("v=spf1 foo=%x", "'foo=%x' has an invalid macro"),
        ("v=spf1 all:x", "'all:x': 'all' takes no argument"),
        ("v=spf1 ptr/24", "'ptr/24': malformed argument"),
        ("v=spf1 exp=a.example.com exp=b.example.com", "'exp=' appears more than once"),
        ("v=spf1 -all ñ", "contains non-ASCII characters"),
    ],
)
def test_each_syntax_error_is_named(record: str, error: str) -> None:
    assert error in errors(record)


def test_domain_names_are_at_most_253_characters() -> None:
    name = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])
    assert len(name) == 253
    assert errors(f"v=spf1 include:{name}") == ()
    longer = name + "d"
    assert errors(f"v=spf1 include:{longer}") == (f"{longer!r} is not a valid domain name",)


def test_terms_keep_their_qualifier_name_value_and_text() -> None:
    record = parse_spf("v=spf1 include:_spf.example.com a/24 -all redirect=r.example.com")
    assert record.text == "v=spf1 include:_spf.example.com a/24 -all redirect=r.example.com"
    assert record.terms == (
        Term("+", "include", "_spf.example.com", "include:_spf.example.com"),
        Term("+", "a", "/24", "a/24"),
        Term("-", "all", "", "-all"),
        Term("", "redirect", "r.example.com", "redirect=r.example.com"),
    )
    assert record.modifier("redirect") == "r.example.com"
    assert record.modifier("include") is None  # a mechanism, not a modifier
    assert record.modifier("exp") is None


def test_not_an_spf_record() -> None:
    record = parse_spf("hello")
    assert (record.text, record.terms, record.errors) == (
        "hello",
        (),
        ("does not start with 'v=spf1'",),
    )
    assert not is_spf("v=spf10")
    assert is_spf("v=spf1")
