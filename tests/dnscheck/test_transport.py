"""MTA-STS and TLS-RPT records (pure), and the cap on finding messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from launchgate.dnscheck.catalogue import MAX_MESSAGE, bounded, issue
from launchgate.dnscheck.transport import (
    STS_VERSION,
    TLSRPT_VERSION,
    candidates,
    sts_error,
    tlsrpt_error,
)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("v=STSv1; id=20261129", None),
        ("v=STSv1;id=abc;", None),
        ("v=STSv1; id=a1; ext-1.x=yes", None),
        ("v=STSv1;\tid=" + "a" * 32, None),
        ("v=STSv1; id=" + "a" * 33, "id='" + "a" * 33 + "' is not 1 to 32 letters and digits"),
        ("v=STSv1", "it has no id= field"),
        ("v=STSv1;", "it has no id= field"),
        ("v=STSv1; id=", "'id=' is not a name=value field"),
        ("v=STSv1; id=a-b", "id='a-b' is not 1 to 32 letters and digits"),
        ("v=STSv1; id=1; id=2", "id= appears more than once"),
        ("v=STSv1; id=\x00<x>; extra", "'id=\\x00<x>' is not a name=value field; "
         "'extra' is not a name=value field"),
        ("v=STSv1 id=1", "starts with 'v=STSv1 id=1', not 'v=STSv1' followed by ';'"),
        ("v=STSv1; id=1; x=a b", "'x=a b' is not a name=value field"),
        ("v=STSv1; id=1; =a", "'=a' is not a name=value field"),
    ],
)  # fmt: skip
def test_mta_sts_records(text: str, error: str | None) -> None:
    assert sts_error(text) == error


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("v=TLSRPTv1; rua=mailto:tls@example.com", None),
        ("v=TLSRPTv1;rua=https://r.example/x?a=b;", None),
        ("v=TLSRPTv1; rua=mailto:a@b.example, https://r.example/", None),
        ("v=TLSRPTv1", "it has no rua= field"),
        ("v=TLSRPTv1; rua=ftp://x", "rua= 'ftp://x' is not a mailto: or https: address"),
        ("v=TLSRPTv1; rua=mailto:x", "rua= 'mailto:x' is not a mailto: or https: address"),
        ("v=TLSRPTv1; rua=", "rua= '' is not a mailto: or https: address"),
        ("v=TLSRPTv1x; rua=a", "starts with 'v=TLSRPTv1x', not 'v=TLSRPTv1' followed by ';'"),
        ("v=TLSRPTv1; rua=mailto:a@b; junk", "'junk' is not a name=value field"),
    ],
)  # fmt: skip
def test_tls_rpt_records(text: str, error: str | None) -> None:
    assert tlsrpt_error(text) == error


def test_only_records_that_start_with_the_version_count() -> None:
    records = ["v=STSv1; id=1", "google-site-verification=x", " v=STSv1; id=2", "v=TLSRPTv1;"]
    assert candidates(records, STS_VERSION) == ["v=STSv1; id=1"]
    assert candidates(records, TLSRPT_VERSION) == ["v=TLSRPTv1;"]


@given(st.text(max_size=300))
def test_transport_parsers_never_crash(text: str) -> None:
    for parse, version in ((sts_error, STS_VERSION), (tlsrpt_error, TLSRPT_VERSION)):
        assert parse(text) is None or isinstance(parse(text), str)
        assert parse(version + ";" + text) is None or isinstance(parse(version + text), str)


def test_messages_are_capped_and_say_how_much_was_left_out() -> None:
    exact = "x" * MAX_MESSAGE
    assert bounded(exact) == exact
    assert bounded(exact + "yz") == exact + "… (2 more characters not shown)"
    long = issue("email.spf-syntax", "a.test", "y" * 60_000)
    assert long.message == "y" * 1000 + "… (59,000 more characters not shown)"


# Promises pinned by mutation testing: the exact grammar (RFC 8461/8460: only spaces and tabs
# around ';' and ','), and how much of a bad value a message shows.


def test_only_spaces_and_tabs_surround_a_field_a_line_break_makes_it_invalid() -> None:
    assert sts_error("v=STSv1; id=abc\t ") is None
    assert sts_error("v=STSv1; id=abc\r") == "'id=abc\\r' is not a name=value field"
    assert sts_error("v=STSv1; id=abc\n") == "'id=abc\\n' is not a name=value field"
    assert tlsrpt_error("v=TLSRPTv1; rua=mailto:a@b.example\n") == (
        "rua= 'mailto:a@b.example\\n' is not a mailto: or https: address"
    )
    assert tlsrpt_error("v=TLSRPTv1; rua=mailto:a@b.example,\nmailto:c@d.example") == (
        "rua= '\\nmailto:c@d.example' is not a mailto: or https: address"
    )


def test_a_stray_word_is_a_field_error_not_an_empty_trailing_field() -> None:
    assert sts_error("v=STSv1; id=abc; X") == "'X' is not a name=value field"
    assert tlsrpt_error("v=TLSRPTv1; rua=mailto:a@b.example; X") == (
        "'X' is not a name=value field"
    )
    assert tlsrpt_error("v=TLSRPTv1; rua=mailto:a@b.example,X") == (
        "rua= 'X' is not a mailto: or https: address"
    )


def test_messages_show_the_first_40_characters_of_a_bad_field_and_60_of_an_address() -> None:
    long = "k" * 50
    assert sts_error(f"v=STSv1; id=abc; {long}") == f"{long[:40]!r} is not a name=value field"
    assert (
        sts_error(f"{long}; id=abc") == f"starts with {long[:40]!r}, not 'v=STSv1' followed by ';'"
    )
    assert sts_error(f"v=STSv1; id={long}") == (
        f"id={long[:40]!r} is not 1 to 32 letters and digits"
    )
    address = "ftp://" + "a" * 70
    assert tlsrpt_error(f"v=TLSRPTv1; rua={address}") == (
        f"rua= {address[:60]!r} is not a mailto: or https: address"
    )


def test_several_problems_are_listed_with_semicolons() -> None:
    assert tlsrpt_error("v=TLSRPTv1; a; b; rua=mailto:x@y.example") == (
        "'a' is not a name=value field; 'b' is not a name=value field"
    )
