"""Promises of the SARIF report that a one-word change would break (pinned by mutation testing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from launchgate.findings import RuleInfo
from launchgate.report import jsonreport, sarif
from tests.report.conftest import make_finding, make_report


def _log(report: Any, root: Path | None = None, **kwargs: Any) -> dict[str, Any]:
    return json.loads(sarif.render(report, root, **kwargs))  # type: ignore[no-any-return]


def _result(finding: Any, root: Path | None = None) -> dict[str, Any]:
    return _log(make_report([finding]), root)["runs"][0]["results"][0]  # type: ignore[no-any-return]


def test_a_region_starts_at_line_and_column_one_and_never_below() -> None:
    region = _result(make_finding(path="a.py", line=1, column=1))["locations"][0]
    assert region["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}
    no_column = _result(make_finding(path="a.py", line=3, column=0))["locations"][0]
    assert no_column["physicalLocation"]["region"] == {"startLine": 3}
    no_line = _result(make_finding(path="a.py", line=0, column=4))["locations"][0]
    assert "region" not in no_line["physicalLocation"]
    unset = _result(make_finding(path="a.py"))["locations"][0]
    assert "region" not in unset["physicalLocation"]


def test_routes_urls_and_domains_are_logical_locations_by_kind() -> None:
    loc = _result(make_finding(route="GET /", url="https://a.test/", domain="a.test"))
    names = [x["fullyQualifiedName"] for x in loc["locations"][0]["logicalLocations"]]
    assert names == ["route:GET /", "url:https://a.test/", "domain:a.test"]


def test_the_message_is_title_and_text_or_whichever_exists_or_the_rule() -> None:
    def text(**kw: Any) -> str:
        return str(_result(make_finding(rule="env.r", path="a.py", **kw))["message"]["text"])

    assert text(title="T", message="M") == "T: M"
    assert text(title="T", message="") == "T"
    assert text(title="", message="M") == "M"
    assert text(title="", message="") == "env.r"


def test_where_a_finding_is_joins_the_message_only_when_it_is_not_a_repository_file(
    tmp_path: Path,
) -> None:
    inside = _result(make_finding(title="T", message="M", path=str(tmp_path / "a.py")), tmp_path)
    assert inside["message"]["text"] == "T: M"
    assert inside["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a.py"
    url = _result(make_finding(title="T", message="M", url="https://a.test/x"), tmp_path)
    assert url["message"]["text"] == "T: M\n(at https://a.test/x)"
    outside = _result(make_finding(title="T", message="M", path="/elsewhere/b.py"), tmp_path)
    assert outside["message"]["text"] == "T: M\n(at /elsewhere/b.py)"


def test_a_rule_takes_the_fix_from_its_catalogue_then_its_finding_then_says_none() -> None:
    def fix(finding: Any, info: RuleInfo | None) -> str:
        report = make_report([finding])
        if info is not None:
            report = type(report)(**{**report.__dict__, "rules": {finding.rule: info}})
        rule = _log(report)["runs"][0]["tool"]["driver"]["rules"][0]
        return str(rule["help"]["text"])

    finding = make_finding(rule="env.r", remediation="From the finding.")
    assert (
        fix(finding, RuleInfo("env.r", "Title", "Desc", "From the catalogue."))
        == "From the catalogue."
    )
    assert fix(finding, RuleInfo("env.r", "Title", "Desc", "")) == "From the finding."
    bare = make_finding(rule="env.r", remediation="")
    assert fix(bare, None) == "No remediation is recorded for this rule."
    rules = _log(make_report([bare]))["runs"][0]["tool"]["driver"]["rules"]
    assert (rules[0]["id"], rules[0]["name"]) == ("env.r", "env.r")


def test_each_rule_is_listed_once_and_results_point_at_it() -> None:
    findings = [make_finding(rule=r, path=f"{i}.py") for i, r in enumerate("bab")]
    run = _log(make_report(findings))["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["a", "b"]
    assert sorted((r["ruleId"], r["ruleIndex"]) for r in run["results"]) == [
        ("a", 0),
        ("b", 1),
        ("b", 1),
    ]


def test_dropped_results_are_counted_in_words_a_reader_can_act_on() -> None:
    findings = [make_finding(rule=f"env.r{i}", path=f"{i}.py") for i in range(3)]
    run = _log(make_report(findings), max_results=2)["runs"][0]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == (
        f"1 findings left out: code scanning rejects more than {sarif.MAX_RESULTS} "
        "results per run; every finding is in the JSON report"
    )


def test_findings_without_a_file_sit_on_the_manifest_or_its_default_name(tmp_path: Path) -> None:
    finding = make_finding(url="https://a.test/")
    loc = _log(make_report([finding]), tmp_path, manifest="/elsewhere/launchready.yml")
    uri = loc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "launchready.yml"
    here = _log(make_report([finding]), tmp_path, manifest="app/launchready.yml")
    uri = here["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "app/launchready.yml"


def test_the_source_root_is_a_directory_uri() -> None:
    for root, expected in ((Path("/"), "file:///"), (Path("/srv/app"), "file:///srv/app/")):
        base = _log(make_report(), root)["runs"][0]["originalUriBaseIds"][sarif.SRCROOT]["uri"]
        assert base == expected


def test_the_json_report_is_indented_utf8_text_ending_in_a_newline() -> None:
    report = make_report([make_finding(title="Café ☕")], errors={"dns": "no answer"})
    text = jsonreport.render(report)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert "Café ☕" in text  # not \\u escapes: the file is UTF-8
    assert text.startswith('{\n  "schema_version": 1,\n')
    parsed = json.loads(text)
    assert parsed == jsonreport.as_dict(report)
    dns = next(c for c in parsed["checks"] if c["id"] == "dns")
    assert dns["error"] == "no answer"
    ok = next(c for c in parsed["checks"] if c["id"] == "secrets")
    assert "error" not in ok


def test_the_sarif_file_is_indented_utf8_text() -> None:
    text = sarif.render(make_report([make_finding(title="Café ☕", path="a.py")]))
    assert text.startswith('{\n  "$schema": ')
    assert "Café ☕" in text and text.endswith("}\n")
