"""Small pure pieces pinned exactly: drift sentences, expect matching, the DMARC tree walk's
names, the takeover pack (its own examples), and how failures become notes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from launchgate.dnscheck.catalogue import ALL_RULES, issue, rule_infos
from launchgate.dnscheck.check import failure_issues, to_finding
from launchgate.dnscheck.drift import changes, merge, read_snapshot, stored_form
from launchgate.dnscheck.email import dmarc_candidates
from launchgate.dnscheck.packs import PackError, load_knowledge, load_pack
from launchgate.dnscheck.resolver import LookupFailed
from launchgate.dnscheck.webnames import expect_mismatch
from launchgate.findings import Severity


def test_drift_sentences() -> None:
    before = {
        "app.example.com CNAME": ["shop.pages.dev"],
        "example.com MX": ["10 mx.example.com"],
        "example.com SPF": [],
        "gone.example.com A": ["192.0.2.1"],
        "same.example.com A": ["192.0.2.1", "192.0.2.2"],
    }
    after = {
        "app.example.com CNAME": ["old-shop.herokuapp.com"],
        "example.com MX": [],
        "example.com SPF": ["v=spf1 -all"],
        "same.example.com A": ["192.0.2.2", "192.0.2.1"],
        "new.example.com A": ["192.0.2.9"],
    }
    assert changes(before, after) == [
        "app.example.com CNAME changed from shop.pages.dev to old-shop.herokuapp.com",
        "example.com MX removed (was 10 mx.example.com)",
        "example.com SPF added: v=spf1 -all",
    ]


def test_unknown_keys_keep_last_runs_value_so_a_failure_is_never_removed() -> None:
    previous = {"a.test A": ["192.0.2.1"], "b.test A": ["192.0.2.2"]}
    current = {"b.test A": ["192.0.2.3"]}
    merged = merge(previous, current, unknown={"a.test A"})
    assert merged == {"a.test A": ["192.0.2.1"], "b.test A": ["192.0.2.3"]}
    assert changes(previous, merged) == ["b.test A changed from 192.0.2.2 to 192.0.2.3"]


def test_long_values_are_shortened_in_sentences() -> None:
    said = changes({"k TXT": ["x" * 200]}, {"k TXT": ["y"]})[0]
    assert said.startswith("k TXT changed from xxx") and "…" in said and len(said) < 120


def test_snapshot_store_form_round_trip_and_garbage() -> None:
    snap = {"a.test A": ["192.0.2.1"]}
    assert read_snapshot(stored_form(snap)) == snap
    for garbage in (None, [], {"version": 2, "records": snap}, {"version": 1, "records": [1]}):
        assert read_snapshot(garbage) == {}
    assert read_snapshot({"version": 1, "records": {"a": [1], "b": ["x"]}}) == {"b": ["x"]}


@pytest.mark.parametrize(
    ("rdtype", "expected", "actual", "problem"),
    [
        ("CNAME", ["Shop.Pages.Dev."], ["shop.pages.dev"], None),
        ("CNAME", ["shop.pages.dev"], ["old.herokuapp.com"],
         "is old.herokuapp.com, expected shop.pages.dev"),
        ("A", ["192.0.2.1"], [], "is nothing, expected 192.0.2.1"),
        ("A", ["192.0.2.1"], ["192.0.2.1", "192.0.2.2"],
         "is 192.0.2.1, 192.0.2.2, expected 192.0.2.1"),
        ("MX", ["mx1.example.com"], ["10 mx1.example.com"], None),
        ("MX", ["20 mx1.example.com."], ["10 mx1.example.com"],
         "is 10 mx1.example.com, expected 20 mx1.example.com"),
        ("TXT", ["v=spf1 -all"], ["v=spf1 -all", "verify=1"], None),
        ("TXT", ["token=2"], ["v=spf1 -all"], "missing token=2"),
        ("CAA", ['0 issue "letsencrypt.org"'], ['0 issue "letsencrypt.org"'], None),
    ],
)  # fmt: skip
def test_expect_matching(
    rdtype: str, expected: list[str], actual: list[str], problem: str | None
) -> None:
    assert expect_mismatch(rdtype, expected, actual) == problem


def test_dmarc_tree_walk_names() -> None:
    assert dmarc_candidates("example.com") == ["example.com"]
    assert dmarc_candidates("a.b.example.com") == [
        "a.b.example.com",
        "b.example.com",
        "example.com",
    ]
    deep = "l1.l2.l3.l4.l5.l6.l7.l8.l9.example.com"
    walked = dmarc_candidates(deep)
    assert walked[0] == deep and walked[1] == "l5.l6.l7.l8.l9.example.com"
    assert walked[-1] == "example.com" and len(walked) == 7


def test_builtin_packs_load_and_know_the_main_services(tmp_path: Path) -> None:
    knowledge = load_knowledge(tmp_path)  # every rule's own examples are checked on load
    assert len(knowledge.fingerprints) >= 10 and len(knowledge.issuers) >= 8
    assert _service(knowledge, "Old-Shop.HerokuApp.com.") == "Heroku"
    assert knowledge.service_of("shop.pages.dev") is None
    letsencrypt = knowledge.issuer_of("CN=R11,O=Let's Encrypt,C=US")
    assert letsencrypt is not None and letsencrypt.caa == ("letsencrypt.org",)


USER_PACK = """kind: dns-takeover
rules:
  - id: heroku
    service: Heroku (ours)
    cnames: ['*.herokuapp.com']
    examples: {positive: [a.herokuapp.com], negative: [a.example.com]}
  - id: acme-hosting
    service: ACME hosting
    cnames: ['*.acme-hosting.test']
    examples: {positive: [shop.acme-hosting.test], negative: [acme-hosting.test]}
"""


def test_user_packs_add_and_replace_rules(tmp_path: Path) -> None:
    (tmp_path / "mine.yml").write_text(USER_PACK)
    knowledge = load_knowledge(tmp_path, ["mine.yml"])
    assert _service(knowledge, "x.acme-hosting.test") == "ACME hosting"
    assert _service(knowledge, "x.herokuapp.com") == "Heroku (ours)"


HEROKU_EXAMPLES = "    examples: {positive: [a.herokuapp.com], negative: [a.example.com]}\n"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (USER_PACK.replace("negative: [a.example.com]", "negative: [b.herokuapp.com]"),
         "rule 'heroku': its examples do not hold: b.herokuapp.com"),
        (USER_PACK.replace(HEROKU_EXAMPLES, ""),
         "rule 'heroku': examples: positive and negative lists are required"),
        ("kind: dns-takeover\nrules: {}\n", "rules must be a list"),
        ("kind: dns-caa-issuers\nrules: [{id: x, ca: X, issuers: [], caa: [x.test]}]\n",
         "issuers must be a non-empty list of strings"),
        ("kind: [", "is not valid YAML"),
        ("kind: dns-takeover\n#" + "x" * 1_100_000, "-byte cap"),
        ("kind: dns-takeover\nrules: " + "[" * 200, "nests deeper than"),
    ],
)  # fmt: skip
def test_broken_user_packs_are_refused_with_file_and_rule(
    tmp_path: Path, text: str, error: str
) -> None:
    (tmp_path / "mine.yml").write_text(text)
    with pytest.raises(PackError, match=re.escape(error)):
        load_pack(tmp_path / "mine.yml", "mine.yml")


def test_failures_become_one_note_per_question_with_the_reason() -> None:
    failures = [
        LookupFailed("a.test", "TXT", "127.0.0.1:53 answered SERVFAIL"),
        LookupFailed("a.test", "TXT", "again"),
        LookupFailed("a.test", "MX", "no answer from 127.0.0.1:53 within 3000 ms"),
    ]
    notes = failure_issues(failures)
    assert [(n.rule, n.subject, n.key) for n in notes] == [
        ("dns.lookup-failed", "a.test", "MX"),
        ("dns.lookup-failed", "a.test", "TXT"),
    ]
    assert "SERVFAIL" in notes[1].message and "missing" not in notes[1].message.split("(")[0]
    finding = to_finding(notes[1])
    assert (finding.check, finding.severity, finding.location.domain) == (
        "dns",
        Severity.INFO,
        "a.test",
    )


def test_catalogue_is_complete_and_findings_use_the_rule_prefix() -> None:
    assert {r.id for r in rule_infos()} == set(ALL_RULES)
    assert all(r.split(".")[0] in ("dns", "email", "tls") for r in ALL_RULES)
    assert to_finding(issue("email.spf-missing", "x.test", "m")).check == "email"
    assert (
        issue("tls.expires-soon", "x.test", "m", severity=Severity.HIGH).severity is Severity.HIGH
    )
    with pytest.raises(KeyError):
        issue("email.no-such-rule", "x.test", "m")


def _service(knowledge: Any, name: str) -> str | None:
    """The service a CNAME target belongs to, or None when the pack knows none."""
    found = knowledge.service_of(name)
    return None if found is None else str(found.service)
