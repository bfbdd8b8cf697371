"""The last line of defence: masked and credential-shaped values leave no result unscrubbed."""

from __future__ import annotations

import dataclasses
from typing import Any

from launchgate.checkapi import Masker
from launchgate.findings import CheckResult, Finding, Location, Severity
from launchgate.leakguard import clean_results, sealed, secrets_in, visible
from launchgate.redact import value_hash
from tests.fixtures.certfacts import certificate_fact
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


def test_control_characters_are_shown_as_their_escapes() -> None:
    assert visible("a\x1b[31mb\x00c\x7fd\x9be\tf\ng") == "a\\x1b[31mb\\x00c\\x7fd\\x9be\tf\ng"


def test_secrets_inside_lists_tuples_and_mapping_keys_of_details_are_found_and_scrubbed() -> None:
    in_list, in_tuple, in_key = github_token(), github_token(), github_token()
    masker = Masker()
    result = CheckResult(
        check="env",
        findings=(
            _finding(
                details={
                    "names": ["plain", in_list],
                    "pair": ("x", in_tuple),
                    in_key: "value",
                    "nested": {"deep": [{"k": "fine"}]},
                }
            ),
        ),
    )
    [cleaned] = clean_results([result], masker)
    assert {in_list, in_tuple, in_key} <= masker.values
    assert cleaned.findings[0].details == {
        "names": ["plain", "***"],
        "pair": ("x", "***"),
        "***": "value",
        "nested": {"deep": [{"k": "fine"}]},
    }


def test_a_secret_anywhere_in_a_result_is_found_whatever_else_the_result_holds() -> None:
    in_summary, in_first_title = github_token(), github_token()
    masker = Masker()
    result = CheckResult(
        check="env",
        summary=f"saw {in_summary}",
        findings=(
            _finding(title=f"t {in_first_title}", details={"k": "v"}),
            _finding(title="second", details={"k": "v"}, rule="env.y"),
        ),
    )
    [cleaned] = clean_results([result], masker)
    assert {in_summary, in_first_title} <= masker.values
    assert cleaned.summary == "saw ***"
    assert cleaned.findings[0].title == "t ***"


def test_a_secret_only_in_a_location_is_found_and_scrubbed() -> None:
    token = github_token()
    masker = Masker()
    result = CheckResult(
        check="secrets", findings=(_finding(location=Location(url=f"https://x.io/{token}")),)
    )
    [cleaned] = clean_results([result], masker)
    assert token in masker.values
    assert cleaned.findings[0].location.url == "https://x.io/***"


def test_the_password_of_a_url_is_a_secret_wherever_the_url_appears() -> None:
    # Built at run time: a literal URL with a password would be a finding of our own gate.
    text = "ends at http://admin:" + "redir-pw-31f9c2@127.0.0.1:8080/cb (from ftp://u:"
    text += "ftp-pw-77a1" + "@h/)"
    assert secrets_in(text) == {"redir-pw-31f9c2", "ftp-pw-77a1"}
    masker = Masker()
    (result,) = clean_results(
        [CheckResult(check="smoke", findings=(_finding(message=text),))], masker
    )
    assert (
        result.findings[0].message
        == "ends at http://admin:***@127.0.0.1:8080/cb (from ftp://u:***@h/)"
    )
    assert masker.values == {"redir-pw-31f9c2", "ftp-pw-77a1"}


def test_a_url_without_a_password_or_with_an_at_sign_elsewhere_has_no_url_secret() -> None:
    for text in (
        "https://admin@app.test/",  # a user name is not a secret
        "https://app.test:8443/path?mail=ada:x@example.com",  # ':' and '@' after the host
        "https://app.test/a:b@c",
        "mailto:ada:lovelace@example.com",  # not scheme://
        "see https://:@app.test/",  # empty password
    ):
        assert secrets_in(text) == set(), text


def test_state_kept_between_runs_holds_a_keyed_hash_of_each_secret_never_the_secret() -> None:
    token, other = github_token(), github_token()
    masker = Masker()
    masker.add("hunter2-Passw0rd")  # a value a check masked: no shape needed
    snapshot = {
        "a.example TXT": [f"v=spf1 {token} -all", "plain record"],
        f"{other}.example TXT": ["pw=hunter2-Passw0rd;"],
    }
    stored = sealed(snapshot, masker)
    text = repr(stored)
    for secret in (token, other, "hunter2-Passw0rd"):
        assert secret not in text
    assert stored["a.example TXT"] == [
        f"v=spf1 [secret {value_hash(token)[:12]}] -all",
        "plain record",
    ]
    key = f"[secret {value_hash(other)[:12]}].example TXT"
    assert stored[key] == [f"pw=[secret {value_hash('hunter2-Passw0rd')[:12]}];"]
    # The same value seals the same way in the next run (no false drift); a new one differs.
    rotated = {"k TXT": [f"v {github_token()}"]}
    assert sealed({"k TXT": [f"v {token}"]}, Masker()) != sealed(rotated, Masker())
    assert sealed(snapshot, masker) == stored
    plain = {"a.example MX": ["10 mx.example"]}
    assert sealed(plain, masker) is plain


def test_a_masked_value_inside_a_longer_one_is_sealed_with_the_longer_one() -> None:
    masker = Masker()
    masker.add("q1w2e3r4t5y6u7i8")  # sorts after the longer value: length decides, not letters
    masker.add("a-q1w2e3r4t5y6u7i8-b")
    stored = sealed(["k=a-q1w2e3r4t5y6u7i8-b"], masker)
    assert stored == [f"k=[secret {value_hash('a-q1w2e3r4t5y6u7i8-b')[:12]}]"]


def test_a_certificate_s_server_given_words_are_scrubbed_and_made_visible() -> None:
    """Issuer and names come from the server: escapes and credentials there are cleaned too."""
    token = github_token()
    fact = certificate_fact(
        issuer=f"CN=\x1b[31mEvil,O={token}",
        names=("app.test", "\x07bell.test"),
        tls_version="TLSv1.3\r",
    )
    masker = Masker()
    (result,) = clean_results([CheckResult(check="smoke", certificates=(fact,))], masker)
    (clean,) = result.certificates
    assert token in masker.values
    assert clean.issuer == "CN=\\x1b[31mEvil,O=***"
    assert clean.names == ("app.test", "\\x07bell.test")
    assert clean.tls_version == "TLSv1.3\\x0d"
    assert (clean.host, clean.not_after, clean.sha256) == (fact.host, fact.not_after, fact.sha256)


def test_a_certificate_host_is_cleaned_and_a_certificate_hides_no_finding_s_secret() -> None:
    """The host too is written to reports; and a result that holds certificates still has
    every finding's words searched for secrets."""
    in_message = github_token()
    fact = certificate_fact(host="app\x1b[2J.test")
    masker = Masker()
    result = CheckResult(
        check="smoke",
        findings=(_finding(message=f"saw {in_message}"),),
        certificates=(fact,),
    )
    (cleaned,) = clean_results([result], masker)
    assert in_message in masker.values
    assert cleaned.findings[0].message == "saw ***"
    assert cleaned.certificates[0].host == "app\\x1b[2J.test"
