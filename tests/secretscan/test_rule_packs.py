"""Every rule's positive and negative examples, and every allowlist entry's examples, run here."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from launchgate.resources import rule_pack_paths
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.rules import RulePackError, RuleSet, load_rules, read_pack

RULES = load_rules()
DETECTOR = Detector(RULES)
NO_ALLOW = Detector(RuleSet(RULES.rules, ()))

POSITIVE = [
    pytest.param(rule, ex, id=f"{rule.id}+{i}")
    for rule in RULES.rules
    for i, ex in enumerate(rule.positive)
]
NEGATIVE = [
    pytest.param(rule, ex, id=f"{rule.id}-{i}")
    for rule in RULES.rules
    for i, ex in enumerate(rule.negative)
]
ALLOWED = [
    pytest.param(entry, ex, id=f"{entry.id}-{i}")
    for entry in RULES.allow
    for i, ex in enumerate(entry.examples)
]


@pytest.mark.parametrize(("rule", "example"), POSITIVE)
def test_positive_example_is_found_by_its_rule(rule, example):
    hits, _ = DETECTOR.scan(example.line, example.path)
    values = [h.value for h in hits if h.rule == rule.id]
    assert values, f"{rule.id} did not flag its own example"
    if example.secret:
        assert example.secret in values
    if rule.keywords:
        assert any(k in example.line.lower() for k in rule.keywords), "keywords route examples"
    else:
        assert DETECTOR.whole_file(example.path), "a rule without keywords reads whole files"


@pytest.mark.parametrize(("rule", "example"), NEGATIVE)
def test_negative_example_is_not_flagged_by_its_rule(rule, example):
    hits, _ = DETECTOR.scan(example.line, example.path)
    assert not [h for h in hits if h.rule == rule.id]


@pytest.mark.parametrize(("entry", "example"), ALLOWED)
def test_allowlist_entry_silences_its_examples(entry, example):
    hits, _ = DETECTOR.scan(example.line, example.path)
    assert hits == []
    only = Detector(RuleSet(RULES.rules, (entry,)))
    assert only.scan(example.line, example.path)[0] == [], "this entry alone must silence it"
    hits, _ = NO_ALLOW.scan(example.line, example.path)
    assert hits, f"{entry.id}: the example is not flagged even without any allowlist"


def test_every_builtin_pack_is_a_secrets_pack_with_unique_ids():
    ids = [r.id for r in RULES.rules] + [a.id for a in RULES.allow]
    assert len(ids) == len(set(ids))
    paths = [p for p in rule_pack_paths() if p.name.startswith("secrets-")]
    assert len(paths) >= 8
    assert all(read_pack(p) is not None for p in paths)


def test_pack_of_another_kind_is_ignored(tmp_path: Path):
    pack = tmp_path / "headers.yml"
    pack.write_text("kind: headers\nrules: [{id: x}]\n")
    assert read_pack(pack) is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("rules: []\n", "'kind'"),
        (
            "kind: secrets\nrules: [{id: secrets.x, title: t, severity: high, remediation: r, "
            "keywords: [x], regex: '(', examples: {positive: [x]}}]\n",
            "does not compile",
        ),
        (
            "kind: secrets\nrules: [{id: secrets.x, title: t, severity: high, remediation: r, "
            "keywords: [x], regex: 'x'}]\n",
            "positive example",
        ),
        ("kind: secrets\nrules: [{id: bad, title: t}]\n", "missing required field"),
        ("kind: secrets\nallow: [{id: a}]\n", "needs at least one"),
        (
            "kind: secrets\nrules: [{id: secrets.x, title: t, severity: huge, remediation: r, "
            "keywords: [x], regex: 'x', examples: {positive: [x]}}]\n",
            "unknown severity",
        ),
    ],
)
def test_malformed_pack_names_file_and_problem(tmp_path: Path, body: str, message: str):
    pack = tmp_path / "mine.yml"
    pack.write_text(body)
    with pytest.raises(RulePackError, match=message) as info:
        read_pack(pack)
    assert "mine.yml" in str(info.value)


def test_user_pack_adds_a_rule_and_overrides_by_id(tmp_path: Path):
    pack = tmp_path / "acme.yml"
    token = "acme_" + "Q7vK2mX9pL4wR8tN6bY3"
    pack.write_text(
        "kind: secrets\nrules:\n"
        "  - id: secrets.acme-token\n    title: Acme token\n    severity: high\n"
        "    remediation: rotate\n    keywords: [acme_]\n"
        "    regex: '\\b(?P<secret>acme_[A-Za-z0-9]{20})\\b'\n"
        f"    examples: {{positive: ['k = {token}']}}\n"
    )
    rules = load_rules([pack])
    detector = Detector(rules)
    hits, _ = detector.scan(f"ACME = '{token}'", "x.py")
    assert [h.rule for h in hits] == ["secrets.acme-token"]
    assert dataclasses.asdict(rules.rule("secrets.acme-token"))["source"] == str(pack)


def test_a_user_rule_naming_no_detect_secrets_plugin_fails_at_load(tmp_path: Path):
    pack = tmp_path / "mine.yml"
    pack.write_text(
        "kind: secrets\nrules:\n"
        "  - id: secrets.mine\n    title: Mine\n    severity: high\n"
        "    remediation: rotate\n    keywords: [mine]\n    plugin: NoSuchDetector\n"
        "    examples: {positive: ['mine = x']}\n"
    )
    with pytest.raises(ValueError, match=r"mine\.yml: secrets\.mine: .*'NoSuchDetector'"):
        Detector(load_rules([pack]))


def test_building_the_detector_imports_no_detect_secrets_plugin():
    """Importing the plugins costs ~0.3 s in every process (each scan worker builds one): the
    built-in plugin rules import them when a line first reaches one."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from launchgate.secretscan.detector import Detector\n"
        "from launchgate.secretscan.rules import load_rules\n"
        "d = Detector(load_rules())\n"
        "print(sorted(m for m in sys.modules if m.startswith('detect_secrets')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
