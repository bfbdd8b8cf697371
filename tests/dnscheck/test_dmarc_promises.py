"""Promises of the DMARC parser (RFC 7489) that a one-word change would break (pinned by mutation
testing): what a record asks of receivers, and the exact words of each error."""

from __future__ import annotations

import pytest

from launchgate.dnscheck.dmarc import DmarcRecord, parse_dmarc, report_domain


def test_a_full_record_is_read_field_by_field() -> None:
    text = (
        "v=DMARC1; p=Reject; sp=quarantine; pct=100; adkim=S; aspf=r; "
        "rua=mailto:agg@Reports.Example.com.; ruf=mailto:f@example.com"
    )
    record = parse_dmarc(text)
    assert record == DmarcRecord(
        text=text,
        policy="reject",
        subdomain_policy="quarantine",
        pct=100,
        rua=("mailto:agg@Reports.Example.com.",),
        ruf=("mailto:f@example.com",),
        errors=(),
    )
    assert record.tags["sp"] == "quarantine"
    assert report_domain(record.rua[0]) == "reports.example.com"


def test_pct_defaults_to_100_and_accepts_0_to_100() -> None:
    assert parse_dmarc("v=DMARC1; p=none").pct == 100
    assert parse_dmarc("v=DMARC1; p=none; pct=0").pct == 0
    assert parse_dmarc("v=DMARC1; p=none; pct=100").errors == ()
    assert parse_dmarc("v=DMARC1; p=none; pct=99").pct == 99
    assert parse_dmarc("v=DMARC1; p=none; pct=0100").errors == (
        "pct='0100' is not a number from 0 to 100",
    )
    assert parse_dmarc("v=DMARC1; p=none; pct=101").pct == 100


@pytest.mark.parametrize(
    ("record", "errors"),
    [
        ("v=DMARC1", ("no policy (p=) tag",)),
        ("v=DMARC1; p=none; sp=maybe", ("sp='maybe' is not none, quarantine or reject",)),
        ("v=DMARC1; p=none; aspf=x", ("aspf='x' is not r or s",)),
        ("v=DMARC1; p=none; adkim=x", ("adkim='x' is not r or s",)),
        ("v=DMARC1; p=none; rua=", ("rua= is empty",)),
        ("v=DMARC1; p=none; ruf=", ("ruf= is empty",)),
        (
            "v=DMARC1; p=none; ruf=https://x.test",
            ("ruf= 'https://x.test' is not a mailto: address",),
        ),
        (
            "v=DMARC1; p=none; rua=https://x.test",
            ("rua= 'https://x.test' is not a mailto: address",),
        ),
    ],
)
def test_each_error_is_named(record: str, errors: tuple[str, ...]) -> None:
    assert parse_dmarc(record).errors == errors


def test_report_addresses_are_kept_apart() -> None:
    record = parse_dmarc("v=DMARC1; p=none; ruf=mailto:a@x.test, mailto:b@y.test")
    assert record.ruf == ("mailto:a@x.test", "mailto:b@y.test")
    assert record.rua == ()


def test_not_a_dmarc_record_keeps_its_text() -> None:
    record = parse_dmarc("v=spf1 -all")
    assert (record.text, record.errors) == ("v=spf1 -all", ("does not start with 'v=DMARC1'",))


def test_a_report_domain_loses_only_its_trailing_dot() -> None:
    assert report_domain("mailto:a@x.test.") == "x.test"
    assert report_domain("mailto:a@x.testX") == "x.testx"
