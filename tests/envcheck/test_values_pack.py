"""The env-values rule packs: every shipped example holds, and user packs extend them safely."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.checkapi import CheckError
from launchgate.envcheck.spec import looks_secret
from launchgate.envcheck.values import (
    PLACEHOLDER,
    PRODUCTION_UNSAFE,
    load_pack,
    load_rules,
    matching_rules,
)
from launchgate.resources import rule_pack_paths

BUILTIN = load_rules(Path("."))
EXAMPLES = [
    (
        rule.id,
        example.name or ("EXAMPLE_SECRET" if rule.secret_only else "EXAMPLE_VALUE"),
        example.value,
        expect,
    )
    for rule in BUILTIN
    for expect, examples in ((True, rule.positive), (False, rule.negative))
    for example in examples
]


def test_builtin_env_pack_is_shipped_and_complete() -> None:
    names = [p.name for p in rule_pack_paths()]
    assert "env-values.yml" in names
    ids = {r.id for r in BUILTIN}
    for needed in (
        "unreplaced-template-marker",
        "template-your-slot",
        "stand-in-marker",
        "angle-bracket-template",
        "unexpanded-reference",
        "stripe-test-key",
        "loopback-or-local-host",
        "non-production-host",
        "debug-enabled",
        "repeated-x-filler",
    ):
        assert needed in ids
    for rule in BUILTIN:
        assert rule.positive and rule.negative, rule.id
        assert rule.description and rule.remediation


@pytest.mark.parametrize(("rule_id", "name", "value", "expect"), EXAMPLES)
def test_every_pack_example(rule_id: str, name: str, value: str, expect: bool) -> None:
    rule = next(r for r in BUILTIN if r.id == rule_id)
    secret = looks_secret(name) if name not in ("EXAMPLE_SECRET", "EXAMPLE_VALUE") else True
    assert rule.matches(name, value, secret) is expect


def test_issue_examples_are_caught() -> None:
    def fired(name: str, value: str, production: bool = True) -> set[str]:
        return {r.id for r in matching_rules(BUILTIN, name, value, looks_secret(name), production)}

    assert "unreplaced-template-marker" in fired("API_KEY", "changeme")
    assert "template-your-slot" in fired("API_KEY", "your-api-key-here")
    assert fired("API_KEY", "xxx")
    assert "stand-in-marker" in fired("API_KEY", "TODO")
    assert "angle-bracket-template" in fired("API_KEY", "<your key>")
    assert "unexpanded-reference" in fired("DATABASE_URL", "${DATABASE_URL}")
    assert "stripe-test-key" in fired("STRIPE_SECRET_KEY", "sk_test_abc123")
    assert "stripe-test-key" in fired("STRIPE_PUBLISHABLE_KEY", "pk_test_abc123")
    assert "loopback-or-local-host" in fired("API_URL", "http://127.0.0.1:8000")
    assert "loopback-or-local-host" in fired("API_URL", "http://printer.local/")
    assert "non-production-host" in fired("DATABASE_URL", "postgres://u:p@db.staging.bookly.io/app")
    assert "debug-enabled" in fired("DEBUG", "true")
    # production-unsafe rules stay quiet outside production; placeholders do not
    assert fired("STRIPE_SECRET_KEY", "sk_test_abc123", production=False) == set()
    assert fired("API_KEY", "changeme", production=False) == {"unreplaced-template-marker"}


def test_rule_texts_never_repeat_a_value_they_flag() -> None:
    """Finding texts quote the rule id, description and remediation: a flagged value must not be
    spelled out in them, or a report would appear to leak the value it found."""
    for rule in BUILTIN:
        text = f"{rule.id} {rule.description} {rule.remediation}".lower()
        for example in rule.positive:
            if len(example.value) >= 4:
                assert example.value.lower() not in text, (rule.id, example.value)


def test_categories_are_known() -> None:
    assert {r.category for r in BUILTIN} == {PLACEHOLDER, PRODUCTION_UNSAFE}


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_user_pack_adds_rules_and_other_kinds_are_ignored(tmp_path: Path) -> None:
    _write(
        tmp_path / "ours.yml",
        """
kind: env
rules:
  - id: acme-sandbox-key
    category: production-unsafe
    severity: medium
    description: Acme sandbox key.
    remediation: Use the live Acme key.
    patterns: ['^acme_sbx_']
    examples: {positive: [acme_sbx_123], negative: [acme_live_123]}
""",
    )
    _write(tmp_path / "secrets.yml", "kind: secrets\nrules: [{id: whatever}]\n")
    rules = load_rules(tmp_path, ["ours.yml", "secrets.yml"])
    assert len(rules) == len(BUILTIN) + 1
    ours = rules[-1]
    assert ours.pack == "ours.yml"
    assert [r.id for r in matching_rules(rules, "ACME_KEY", "acme_sbx_9", True, True)] == [
        "acme-sandbox-key"
    ]


RULE_A = "rules:\n  - {id: a, category: placeholder, description: d, remediation: r, "


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            RULE_A + "patterns: ['x'], examples: {positive: ['y']}}",
            "positive example 'y' is not flagged",
        ),
        (
            RULE_A + "patterns: ['x'], examples: {positive: ['x'], negative: ['xx']}}",
            "negative example 'xx' is not passed",
        ),
        (
            RULE_A + "patterns: ['(']}",
            "invalid regular expression",
        ),
        (
            RULE_A.replace("placeholder", "nonsense") + "patterns: ['x']}",
            "category must be one of",
        ),
        (
            "rules:\n  - {id: a, category: placeholder, remediation: r, patterns: ['x']}",
            "description is required",
        ),
        (
            RULE_A + "patterns: ['x']}",
            "needs at least one positive example",
        ),
        (
            "rules:\n  - {id: stand-in-marker, category: placeholder, description: d,"
            " remediation: r, patterns: ['x'], examples: {positive: [x]}}",
            "already defined in checks/env-values.yml",
        ),
        (
            "rules:\n  - {id: a, category: placeholder, severity: urgent, description: d,"
            " remediation: r, patterns: ['x'], examples: {positive: [x]}}",
            "unknown severity",
        ),
        ("rules: {}", "rules must be a list"),
        ("rules: [\n", "is not valid YAML"),
    ],
)
def test_broken_user_packs_are_refused_with_a_clear_error(
    tmp_path: Path, body: str, message: str
) -> None:
    _write(tmp_path / "bad.yml", "kind: env\n" + body + "\n")
    with pytest.raises(CheckError, match=r"bad\.yml") as caught:
        load_rules(tmp_path, ["bad.yml"])
    assert message in str(caught.value)


def test_missing_user_pack(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match=r"nope\.yml: cannot be read"):
        load_pack(tmp_path / "nope.yml", "nope.yml")
