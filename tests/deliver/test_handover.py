"""HANDOVER.md: deterministic, every empty section a gap, never a secret value."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from launchgate.deliver.audit import build_audit
from launchgate.deliver.evidence import Evidence, load_evidence, merge, read_report
from launchgate.deliver.handover import build_handover
from launchgate.deliver.knowledge import builtin_pack
from launchgate.deliver.state import SavedState, load_state
from launchgate.store import Store
from tests.deliver.conftest import (
    DB_PASSWORD,
    HISTORY_TOKEN,
    MANIFEST,
    OPERATIONS,
    REPORTS,
    TREE_KEY,
)
from tests.deliver.factories import finding, report

PACK = builtin_pack()
SNAPSHOT = {
    "version": 1,
    "records": {
        "www.shop.test CNAME": ["shop.fly.dev."],
        "shop.test MX": ["10 mx.shop.test."],
        "shop.test A": ["192.0.2.10"],
    },
}


def _handover(data: dict[str, Any], evidence: Evidence, state: SavedState | None = None) -> str:
    return build_handover(data, evidence, state or SavedState(), build_audit(data, evidence, PACK))


def _full() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST + OPERATIONS)
    return data


def test_full_handover_from_recorded_reports_and_state(
    all_reports: list[Path], tmp_path: Path
) -> None:
    Store(tmp_path).put("dns-snapshot", SNAPSHOT)
    Store(tmp_path).put("perf-history", {"format": 1, "routes": {"login": [{"p95_ms": 81.5}]}})
    text = _handover(_full(), load_evidence(all_reports), load_state(tmp_path))
    assert text.startswith("# Handover: Shop\n")
    assert "| www.shop.test | CNAME shop.fly.dev | CNAME shop.fly.dev. |" in text
    assert "| shop.test | — | A 192.0.2.10; MX 10 mx.shop.test. |" in text
    smoke, perf = (read_report(REPORTS / f"{n}.json") for n in ("smoke", "perf"))
    expiring = next(f for f in smoke["findings"] if f["rule"] == "smoke.tls-expiring")
    date = expiring["details"]["not_after"][:10]
    cert = next(c for c in smoke["metrics"]["certificates"] if c["host"] == "www.shop.test")
    assert (
        f"| www.shop.test | Fly.io (Ben Ode) | trustme v1.2.1 | {date} "
        f"({cert['days_left']:.0f} days left when checked); {expiring['severity']} warning "
        "| www.shop.test |"
    ) in text
    assert "- **www.shop.test** (trustme v1.2.1): Renewal is likely automatic" in text
    assert "- **api.shop.test** (trustme v1.2.1): You must renew it" in text
    assert (
        "| shop.test | high: SPF needs too many DNS lookups | ok | high: No DMARC record | ok |"
        in text
    )
    # last p95 from the perf report, and from the perf history when the report has none
    home = next(m for m in perf["metrics"]["routes"] if m["route"] == "home")
    assert f"| home | GET https://www.shop.test/ | 400 ms | {home['p95_ms']:g} ms | yes |" in text
    # login failed every perf request: its last good p95 comes from the perf history
    assert "| login | GET https://www.shop.test/login | default | 81.5 ms | no |" in text
    assert "| checkout | POST https://www.shop.test/api/checkout | 900 ms | not measured | " in text
    assert (
        "| GitHub token (classic PAT, OAuth, app or refresh token) in history | config/deploy.py |"
        in text
    )
    assert "- Command: fly releases rollback" in text
    assert "| slack | &#35;ops | SLACK&#95;ALERTS&#95;WEBHOOK |" in text
    gaps = text.split("## Gaps\n", 1)[1]
    assert "Critical route login, account has no uptime monitor" in gaps
    assert "Nobody owns the certificate of api.shop.test, shop.test" in gaps
    assert "Restore of Uploads bucket has never been rehearsed" in gaps


def test_a_route_without_samples_or_history_says_so_and_defaults_show_their_value() -> None:
    data = _full()
    data["routes"] = [r for r in data["routes"] if r["name"] in ("login", "account")]
    failed = finding("perf.no-samples", "high", route="login", url="https://www.shop.test/login")
    metric = {"route": "account", "samples": 60, "p50_ms": 40, "p95_ms": 61.5}
    metric |= {"budget_p95_ms": 500, "budget_default": True}
    evidence = merge([("perf", report([failed], checks={"perf": "fail"}, routes=[metric]))])
    text = _handover(data, evidence)
    assert (
        "| login | GET https://www.shop.test/login | default | "
        "no samples in the last perf run (see the audit) | no |"
    ) in text
    assert (
        "| account | GET https://www.shop.test/api/me | 500 ms (default) | 61.5 ms | no |" in text
    )
    not_run = _handover(data, Evidence())
    assert "| login | GET https://www.shop.test/login | default | not measured | no |" in not_run


def test_no_secret_value_ever_appears(all_reports: list[Path]) -> None:
    text = _handover(_full(), load_evidence(all_reports))
    for value in (TREE_KEY, HISTORY_TOKEN, DB_PASSWORD, "sk_test_placeholder"):
        assert value not in text
        assert value[-4:] not in text  # not even the redacted tail


def test_same_inputs_give_the_identical_file(all_reports: list[Path]) -> None:
    first = _handover(_full(), load_evidence(all_reports))
    again = _handover(_full(), load_evidence(list(all_reports)))
    assert first == again


def test_a_changed_input_is_a_small_readable_diff(all_reports: list[Path]) -> None:
    before = _handover(_full(), load_evidence(all_reports))
    changed = _full()
    changed["operations"]["rollback"]["command"] = "fly releases rollback --image v41"
    after = _handover(changed, load_evidence(all_reports))
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert diff == [
        "-- Command: fly releases rollback",
        "+- Command: fly releases rollback --image v41",
    ]


def test_every_empty_section_is_a_gap_with_how_to_fill_it() -> None:
    text = _handover({"version": 1}, Evidence())
    gaps = text.split("## Gaps\n", 1)[1]
    for section in (
        "Owners and accounts",
        "Domains and DNS records",
        "Canonical URLs and redirects",
        "Certificates",
        "Email authentication",
        "Environment variables",
        "Secrets in history",
        "Critical routes",
        "Monitoring",
        "Deploy",
        "Rollback",
        "Restore data",
        "Support contacts",
    ):
        assert f"- **{section}:** " in gaps, section
    assert text.count("> **Gap:**") == gaps.count("\n- **")


def test_nothing_observed_is_said_so_not_passed() -> None:
    text = _handover(_full(), Evidence())
    assert "Observed: not yet (the smoke check has not run in these reports)." in text
    assert "| shop.test | not checked | not checked | not checked | not checked |" in text
    assert "| www.shop.test | Fly.io (Ben Ode) | — | not observed | — |" in text
    assert "No DNS snapshot in the state directory" in text


def test_untrusted_text_cannot_add_markup() -> None:
    data = _full()
    data["operations"]["contacts"][0]["name"] = "<img src=x onerror=alert(1)> | [x](http://e)"
    text = _handover(data, Evidence())
    assert "<img" not in text
    assert "](http" not in text


def test_email_rows_take_their_own_domain_and_the_worst_finding() -> None:
    data = _full()
    data["email"]["domains"] = ["shop.test", "myshop.test"]
    findings = [
        finding("email.dmarc-missing", "high", domain="myshop.test"),
        finding("email.spf-neutral-all", "low", domain="shop.test"),
        finding("email.spf-too-many-lookups", "high", domain="shop.test"),
        finding("email.dkim-weak-key", "medium", domain="google._domainkey.shop.test"),
    ]
    findings[2]["title"] = "shop.test: SPF needs too many DNS lookups"
    text = _handover(data, merge([("dns", report(findings, checks={"dns": "fail"}))]))
    assert "| myshop.test | ok | ok | high: email.dmarc-missing | ok |" in text
    assert (
        "| shop.test | high: SPF needs too many DNS lookups | medium: email.dkim-weak-key "
        "| ok | ok |"
    ) in text


def test_a_certificate_warning_without_a_date_in_details_is_shown_not_dropped() -> None:
    """The nightly dns report alone: its expiry warning is in the message, not in details."""
    soon = finding(
        "tls.expires-soon",
        "high",
        domain="www.shop.test",
        check="dns",
        message="The certificate of www.shop.test:443 expires on 2026-12-04, in 5.0 days.",
    )
    text = _handover(_full(), merge([("dns", report([soon], checks={"dns": "fail"}))]))
    assert (
        "| www.shop.test | Fly.io (Ben Ode) | — | high: The certificate of www.shop.test:443 "
        "expires on 2026-12-04, in 5.0 days. | — |"
    ) in text
    assert "| api.shop.test | nobody | — | no expiry warning in the last check | — |" in text
