"""The handover's certificate facts: who issued each one, until when, for which names, and how it
is renewed; from the report's metrics.certificates (the JSON contract), never from a finding."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from launchgate.deliver.audit import build_audit
from launchgate.deliver.evidence import merge, validate_report
from launchgate.deliver.handover import build_handover
from launchgate.deliver.handover.certificates import (
    builtin_issuers,
    covered,
    describe,
    issuer_name,
    lifetime_days,
    per_host,
    renewal_note,
)
from launchgate.deliver.knowledge import builtin_pack
from launchgate.deliver.state import SavedState
from launchgate.resources import schema_path
from tests.deliver.conftest import MANIFEST, OPERATIONS
from tests.deliver.factories import certificate, finding, report
from tests.fixtures.certfacts import certificate_fact

KNOWLEDGE = builtin_issuers()


def _handover(*reports: dict[str, Any]) -> str:
    data: dict[str, Any] = yaml.safe_load(MANIFEST + OPERATIONS)
    evidence = merge([(f"r{i}", r) for i, r in enumerate(reports)])
    return build_handover(data, evidence, SavedState(), build_audit(data, evidence, builtin_pack()))


def test_a_healthy_lets_encrypt_certificate_is_told_with_issuer_date_names_and_renewal() -> None:
    cert = certificate("www.shop.test", names=["www.shop.test", "shop.test"])
    text = _handover(report([], checks={"dns": "pass"}, certificates=[cert]))
    assert (
        "| www.shop.test | Fly.io (Ben Ode) | Let&#39;s Encrypt | 2027-02-01 (64 days left when "
        "checked) | www.shop.test, shop.test |"
    ) in text
    assert (
        "- **www.shop.test** (Let&#39;s Encrypt): Renewal is automatic if your host or an ACME "
        "client (certbot, Caddy, your platform) renews it: this certificate lasts 90 days. If "
        "nobody set that up, renew before 2027-02-01."
    ) in text
    # A declared host with no certificate read stays visible, said as not read.
    assert "| api.shop.test | nobody | — | no expiry warning in the last check | — |" in text


def test_an_expiry_warning_is_added_to_the_facts_not_put_in_their_place() -> None:
    cert = certificate("www.shop.test", days_left=5.2, not_after="2026-12-04T18:00:00+00:00")
    soon = finding("tls.expires-soon", "high", domain="www.shop.test", check="dns")
    text = _handover(report([soon], checks={"dns": "fail"}, certificates=[cert]))
    assert "| Let&#39;s Encrypt | 2026-12-04 (5 days left when checked); high warning |" in text


def test_a_host_only_the_checks_reached_is_listed_too() -> None:
    cert = certificate("cdn.shop.test", issuer="CN=Amazon RSA 2048 M02,O=Amazon,C=US")
    text = _handover(report([], checks={"smoke": "pass"}, certificates=[cert]))
    assert "| cdn.shop.test | nobody | Amazon | 2027-02-01 (64 days left when checked) |" in text
    assert "- **cdn.shop.test** (Amazon): Renewal is automatic: Amazon issues" in text


def test_the_latest_run_of_a_check_owns_its_certificates() -> None:
    old = report([], checks={"dns": "pass"}, certificates=[certificate("old.shop.test")])
    new = report([], checks={"dns": "pass"}, certificates=[certificate("www.shop.test")])
    smoke = report(
        [], checks={"smoke": "pass"}, certificates=[certificate("www.shop.test", check="smoke")]
    )
    evidence = merge([("old", old), ("new", new), ("smoke", smoke)])
    assert [(c["check"], c["host"]) for c in evidence.certificates] == [
        ("dns", "www.shop.test"),
        ("smoke", "www.shop.test"),
    ]


@pytest.mark.parametrize(
    ("renewal", "lifetime", "start"),
    [
        ("platform", 395, "Renewal is automatic: Amazon issues certificates only inside"),
        ("acme", 90, "Renewal is automatic if your host or an ACME client"),
        ("", 100, "Renewal is likely automatic: a certificate valid for 100 days"),
        ("", 101, "You must renew it: request or buy the renewal from Amazon before 2027-02-01"),
        ("", 397, "You must renew it:"),
    ],
)
def test_renewal_wording(renewal: str, lifetime: int, start: str) -> None:
    assert renewal_note("Amazon", renewal, lifetime, "2027-02-01").startswith(start)


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("CN=R11,O=Let's Encrypt,C=US", "Let's Encrypt"),  # the pack's name for the CA
        ("CN=Shop CA,O=Shop\\, Inc.,C=DE", "Shop, Inc."),  # unknown CA: its organization
        ("CN=Shop Root", "Shop Root"),
        ("weird", "weird"),
    ],
)
def test_issuer_name(issuer: str, expected: str) -> None:
    assert issuer_name(issuer, KNOWLEDGE.issuer_of(issuer)) == expected


def test_lifetime_covered_and_expired() -> None:
    cert = certificate("a.test", not_before="2026-01-01T00:00:00+00:00")
    assert lifetime_days(cert) == 396
    assert covered(["a", "b", "c", "d"]) == "a, b, c, d"
    assert covered(["a", "b", "c", "d", "e", "f"]) == "a, b, c, d (+2 more)"
    assert covered([]) == "no names"
    assert lifetime_days(certificate("a.test", not_before="yesterday")) is None
    assert lifetime_days(certificate("a.test", not_before="2026-01-01T00:00:00")) is None
    unknown_ca = certificate("a.test", issuer="O=Shop CA", not_after="soon")
    assert describe(unknown_ca, KNOWLEDGE)[3] == (
        "Renewal is not known (the certificate's dates could not be read): renew before soon."
    )
    assert describe(certificate("a.test", not_after="soon"), KNOWLEDGE)[3] == (
        "Renewal is automatic if your host or an ACME client (certbot, Caddy, your platform) "
        "renews it. If nobody set that up, renew before soon."
    )
    gone = certificate("a.test", days_left=-0.4, not_after="2026-11-29T00:00:00+00:00")
    assert describe(gone, KNOWLEDGE)[1] == "2026-11-29 (expired)"


def test_one_certificate_per_host_port_443_and_smoke_first() -> None:
    certs = [
        certificate("A.test", check="dns", port=8443),
        certificate("a.test", check="dns"),
        certificate("a.test", check="smoke"),
    ]
    assert per_host(certs)["a.test"] is certs[2]
    assert per_host(certs[:2])["a.test"] is certs[1]


def test_facts_follow_the_published_schema_with_formats() -> None:
    fact = certificate_fact(host="www.shop.test", days_left=63.96, names=("www.shop.test",))
    data = report([], checks={"smoke": "pass"}, certificates=[fact.to_dict()])
    assert fact.to_dict()["days_left"] == 64.0
    assert fact.to_dict()["names"] == ["www.shop.test"]
    validate_report(data, "test")
    schema = json.loads(schema_path("report.schema.json").read_text())
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.Draft202012Validator(schema, format_checker=checker).validate(data)
    data["metrics"]["certificates"][0]["sha256"] = "AB" * 32
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


# -- word for word (pinned by mutation testing) -----------------------------------------------


def test_every_renewal_note_word_for_word() -> None:
    assert renewal_note("Amazon", "platform", 395, "2027-02-01") == (
        "Renewal is automatic: Amazon issues certificates only inside its platform, which renews "
        "them while they are in use."
    )
    assert renewal_note("DigiCert", "", 397, "2027-02-01") == (
        "You must renew it: request or buy the renewal from DigiCert before 2027-02-01, then "
        "install it."
    )
    assert renewal_note("Shop CA", "", 47, "2027-02-01") == (
        "Renewal is likely automatic: a certificate valid for 47 days is renewed by a tool. Find "
        "out which one and that it runs, or renew before 2027-02-01."
    )


def test_names_issuers_days_and_lifetimes_at_their_edges() -> None:
    assert covered(["a", "b", "c", "d", "e"]) == "a, b, c, d (+1 more)"
    assert issuer_name("CN=x,O=Shop=Co", None) == "Shop=Co"
    assert issuer_name("", None) == "unknown"
    sectigo = "CN=Sectigo RSA Domain Validation Secure Server CA,O=Sectigo Limited,C=GB"
    assert describe(certificate("a.test", issuer=sectigo), KNOWLEDGE)[0] == (
        "Sectigo (and ZeroSSL, which it issues for)"
    )
    assert describe(certificate("a.test", issuer="CN=x,O=Shop CA"), KNOWLEDGE)[0] == "Shop CA"
    today = certificate("a.test", days_left=0.0, not_after="2026-11-29T00:00:00+00:00")
    assert describe(today, KNOWLEDGE)[1] == "2026-11-29 (0 days left when checked)"
    half = certificate(
        "a.test", not_before="2026-01-01T00:00:00+00:00", not_after="2026-04-01T12:01:00+00:00"
    )
    assert lifetime_days(half) == 91  # 90.5007 days
