"""Tokens glued to a letter or digit by percent or unicode escapes (logs, recorded HTTP)."""

from __future__ import annotations

import pytest

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.linetext import unescape_in_place
from launchgate.secretscan.rules import load_rules
from tests.secretscan.conftest import github_token, stripe_key

DETECTOR = Detector(load_rules())


def secrets_of(result):
    return [f for f in result.findings if f.details.get("scope")]


def test_unescape_in_place_keeps_columns_and_leaves_letters_and_digits_escaped() -> None:
    text = "a%3Db %22c%22 \\u0022d\\u0022 \\x3de %41%30 %0A"
    out = unescape_in_place(text)
    assert out == 'a=  b "  c"   "     d"      =   e %41%30 %0A'
    assert len(out) == len(text)


@pytest.mark.parametrize(
    ("template", "rule"),
    [
        ("GET /oauth/cb?state=1&access_token%3D{gh}&scope=repo HTTP/1.1", "secrets.github-token"),
        ("body=%7B%22key%22%3A%22{sk}%22%7D", "secrets.stripe-secret-key"),
        ('{{"headers": "Authorization: \\u0022{gh}\\u0022"}}', "secrets.github-token"),
        ("curl -d token\\x3d{gh}", "secrets.github-token"),
    ],
)
def test_token_after_an_escape_is_found_with_its_true_column(template: str, rule: str) -> None:
    gh, sk = github_token(), stripe_key()
    line = template.format(gh=gh, sk=sk)
    value = gh if "{gh}" in template else sk
    hits, _ = DETECTOR.scan(line, "recorded.har")
    assert [(h.rule, h.value) for h in hits] == [(rule, value)]
    assert hits[0].column == line.index(value) + 1


def test_escaped_text_without_a_secret_stays_clean() -> None:
    line = "q=%22hello%20world%22%3D%26next%3D%2Fhome token%3D%24%7BTOKEN%7D"
    assert DETECTOR.scan(line, "access.log") == ([], 0)


def test_escaped_token_in_a_committed_log_is_a_finding(repo, scan) -> None:
    token = github_token()
    repo.commit("fixture", {"fixtures/cb.log": f"GET /cb?access_token%3D{token} 200\n"})
    findings = secrets_of(scan(repo.path))
    assert [f.rule for f in findings] == ["secrets.github-token"]
    assert findings[0].location.path == "fixtures/cb.log"


def test_a_percent_escaped_letter_is_not_decoded_into_a_token() -> None:
    # "%67hp_" would decode to "ghp_": escapes of letters and digits are left alone.
    line = "x=%67hp_" + "A" * 36
    assert DETECTOR.scan(line, "x.txt") == ([], 0)
