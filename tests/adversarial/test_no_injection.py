"""Hostile text in findings cannot inject workflow commands, summary markup, or terminal codes.

Finding text comes from file names, commit messages, HTTP headers and bodies, DNS TXT records:
anything. A stub check returns findings made of the nastiest strings we know, and every report
format is read back as its consumer would read it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from launchgate.cli import main
from tests.fixtures.stubcheck import finding, stub_check

HOSTILE = [
    "::error::pwned",
    "x\n::error file=a.py::pwned",
    "%0A::warning::encoded",
    "carriage\r::notice::return",
    "\x1b[31mred\x1b[0m and \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "[click me](https://evil.example) ![img](https://evil.example/x.png)",
    "<img src=x onerror=alert(1)> <a href='https://evil.example'>a</a>",
    "| cell | break |\n|---|---|",
    "`code` **bold** <!-- comment --> @mention #1",
    "NUL\x00 BEL\x07 DEL\x7f C1\x9b line\u2028sep",
]
SARIF_SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures/schemas/sarif-schema-2.1.0.json").read_text()
)


def _findings() -> list:
    return [
        finding(
            "high",
            title=text,
            message=f"message {text}",
            path=f"dir/{text}.py" if "\x00" not in text else "dir/plain.py",
            remediation=f"fix {text}",
        )
        for text in HOSTILE
    ]


@pytest.fixture
def outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    (tmp_path / "launchready.yml").write_text("version: 1\n")
    monkeypatch.chdir(tmp_path)
    summary, gh_out = tmp_path / "summary.md", tmp_path / "out.txt"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(gh_out),
        "NO_COLOR": "1",
    }
    args = ["run", "--only", "stub"]
    for fmt in ("json", "sarif", "junit", "markdown", "text"):
        args += ["--report", f"{fmt}:r.{fmt}"]
    with stub_check(*_findings()):
        result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    texts = {
        f"file.{fmt}": (tmp_path / f"r.{fmt}").read_text()
        for fmt in ("json", "sarif", "junit", "markdown", "text")
    }
    return {"stdout": result.output, "summary": summary.read_text(), **texts}


def test_no_output_carries_a_terminal_escape_or_a_control_character(
    outputs: dict[str, str],
) -> None:
    for name, text in outputs.items():
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), name


def test_the_log_carries_only_the_workflow_commands_launchgate_meant(
    outputs: dict[str, str],
) -> None:
    commands = [line for line in outputs["stdout"].splitlines() if line.startswith("::")]
    kinds = [line[2:].split(" ", 1)[0].split("::", 1)[0] for line in commands]
    assert kinds.count("error") == len(HOSTILE)  # one annotation per finding, none injected
    assert set(kinds) <= {"error", "warning", "notice", "add-mask", "group", "endgroup"}
    assert not any(line.startswith(("::warning::encoded", "::notice::return")) for line in commands)


def test_the_summary_has_no_link_image_or_html_and_its_tables_hold(
    outputs: dict[str, str],
) -> None:
    summary = outputs["summary"]
    assert "](" not in summary
    assert "<img" not in summary.lower()
    assert "<a " not in summary.lower()
    assert "<!--" not in summary
    tables: list[list[str]] = [[]]
    for line in summary.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    tables = [t for t in tables if t]
    assert tables
    for table in tables:  # every row of a table has as many cells as its header
        assert {row.count("|") for row in table} == {table[0].count("|")}, table


def test_sarif_validates_and_junit_parses(outputs: dict[str, str]) -> None:
    jsonschema.validate(json.loads(outputs["file.sarif"]), SARIF_SCHEMA)
    ET.fromstring(outputs["file.junit"])
    json.loads(outputs["file.json"])
