"""The header policy pack proves its own examples; a pack whose examples fail is caught."""

from __future__ import annotations

from launchgate.smoke.policy import load_policy, max_age, parse_policy


def test_builtin_policy_examples_hold() -> None:
    policy = load_policy()
    assert policy.failing_examples() == []
    assert {r.id for r in policy.headers} >= {
        "hsts-missing",
        "hsts-short",
        "x-content-type-options",
        "clickjacking",
        "referrer-policy",
        "content-security-policy",
    }
    assert all(r.positive and r.negative for r in policy.headers)


def test_private_paths() -> None:
    policy = load_policy()
    assert policy.looks_private("/account/orders")
    assert not policy.looks_private("/accounting-news")


def test_a_rule_whose_examples_fail_is_reported() -> None:
    policy = parse_policy(
        {
            "kind": "smoke-headers",
            "headers": [
                {
                    "id": "wrong",
                    "any_of": [{"header": "X-A", "match": "^yes$"}],
                    "examples": {"positive": [{"X-A": "yes"}], "negative": [{}]},
                }
            ],
            "session_cookies": {"patterns": ["^sid$"], "examples": {"positive": ["session"]}},
        }
    )
    problems = policy.failing_examples()
    assert len(problems) == 3
    assert any("positive" in p for p in problems) and any("negative" in p for p in problems)
    assert any("'session' not recognised" in p for p in problems)


def test_max_age() -> None:
    assert max_age("max-age=31536000; includeSubDomains") == 31536000
    assert max_age('max-age="600"') == 600
    assert max_age("MAX-AGE = 5") == 5
    assert max_age("no-store") is None


def test_every_header_rule_says_what_to_send_naming_its_header() -> None:
    """A founder reads the fix, not the pack: each rule's fix names a header its check accepts."""
    for rule in load_policy().headers:
        assert rule.fix.startswith(("Send ", "Raise ")), rule.id
        assert any(c.header in rule.fix for c in rule.any_of), rule.id
