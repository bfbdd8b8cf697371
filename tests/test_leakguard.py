"""The last line of defence: masked and credential-shaped values leave no result unscrubbed."""

from __future__ import annotations

import dataclasses
from typing import Any

from launchgate.checkapi import Masker
from launchgate.findings import CheckResult, Finding, Location, Severity
from launchgate.leakguard import clean_results, secrets_in
from tests.secretscan.conftest import github_token

BASE = Finding(check="env", rule="env.x", severity=Severity.LOW, title="t", message="m")


def _finding(**changes: Any) -> Finding:
    return dataclasses.replace(BASE, **changes)


def test_a_token_in_a_path_a_detail_or_a_summary_is_masked_and_scrubbed_everywhere() -> None:
    token = github_token()
    masker = Masker()
    leaky = CheckResult(
        check="env",
        findings=(
            _finding(location=Location(path=f"tokens/{token}.env"), details={"variable": token}),
        ),
        summary="clean",
    )
    other = CheckResult(check="secrets", summary=f"saw {token} once", error=f"boom {token}")
    first, second = clean_results([leaky, other], masker)
    assert token in masker.values
    (finding,) = first.findings
    assert finding.location.path == "tokens/***.env"
    assert finding.details == {"variable": "***"}
    assert finding.fingerprint == leaky.findings[0].fingerprint
    assert second.summary == "saw *** once"
    assert second.error == "boom ***"


def test_masked_values_are_scrubbed_from_titles_messages_and_remediation() -> None:
    masker = Masker()
    masker.add("hunter2-password")
    result = CheckResult(
        check="env",
        findings=(
            _finding(
                title="a hunter2-password",
                message="b hunter2-password",
                remediation="c hunter2-password",
            ),
        ),
    )
    [cleaned] = clean_results([result], masker)
    (f,) = cleaned.findings
    assert (f.title, f.message, f.remediation) == ("a ***", "b ***", "c ***")


def test_ordinary_words_and_generic_assignments_are_not_taken_for_secrets() -> None:
    assert secrets_in("DATABASE_URL is missing in production") == set()
    assert secrets_in("password = hunter2hunter2") == set()  # generic rules stay out of this
    result = CheckResult(check="env", summary="3 variables, DATABASE_URL missing")
    masker = Masker()
    assert clean_results([result], masker) == [result]
    assert masker.values == set()
