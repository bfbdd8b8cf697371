"""Annotations, add-mask lines and step outputs, read back the way the Actions runner reads them."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchgate.findings import Finding, Severity
from launchgate.report import github
from launchgate.report._common import clean, repo_relative
from tests.report.conftest import (
    HOSTILE,
    hostile_findings,
    make_finding,
    make_report,
)

# --- a mirror of actions/runner's parsers (ActionCommand.TryParseV2, FileCommandManager) -------


def _unescape(text: str, pairs: list[tuple[str, str]]) -> str:
    for escaped, raw in pairs:
        text = text.replace(escaped, raw)
    return text


_DATA = [("%0D", "\r"), ("%0A", "\n"), ("%25", "%")]
_PROPERTY = [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]


def runner_lines(output: str) -> list[str]:
    """The runner reads stdout with .NET ReadLine: LF, CR and CRLF end a line."""
    return re.split(r"\r\n|\r|\n", output.removesuffix("\n"))


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    props: dict[str, str] = {}
    if space > 0:
        for item in (p for p in info[space + 1 :].strip().split(",") if p):
            pair = [p for p in item.split("=", 1) if p]
            if len(pair) == 2:
                props[pair[0]] = _unescape(pair[1], _PROPERTY)
    return name, props, _unescape(message[end + 2 :], _DATA)


def parse_output_file(text: str) -> dict[str, str]:
    """FileCommandManager's NAME=VALUE / NAME<<DELIMITER parser (Linux line endings)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    values: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        eq, heredoc = line.find("="), line.find("<<")
        if eq >= 0 and (heredoc < 0 or eq < heredoc):
            name, value = line.split("=", 1)
            values[name] = value
            continue
        name, delimiter = line.split("<<", 1)
        assert name and delimiter
        body: list[str] = []
        while lines[i] != delimiter:  # IndexError = no matching delimiter
            body.append(lines[i])
            i += 1
        i += 1
        values[name] = "\n".join(body)
    return values


# --- escaping -----------------------------------------------------------------------------------


def test_escape_data_and_property() -> None:
    assert github.escape_data("100%\r\n: ,") == "100%25%0D%0A: ,"
    assert github.escape_property("100%\r\n: ,") == "100%25%0D%0A%3A %2C"
    # ``%`` goes first, so an already-escaped-looking text stays literal.
    assert github.escape_data("%0A") == "%250A"


# --- annotations --------------------------------------------------------------------------------


def _parsed(output: str) -> list[tuple[str, dict[str, str], str]]:
    commands = [parse_command(line) for line in runner_lines(output)]
    assert all(c is not None for c in commands)
    return [c for c in commands if c is not None]


def test_annotation_has_file_line_column_and_title() -> None:
    f = make_finding(
        title="Token in source", message="ghp_…xY12", path="src/app.py", line=12, column=5
    )
    [(name, props, data)] = _parsed(github.annotations(make_report([f])))
    assert name == "error"
    assert props == {
        "file": "src/app.py",
        "line": "12",
        "col": "5",
        "title": "[high] Token in source",
    }
    assert data.splitlines() == ["ghp_…xY12", "secrets.example-rule", "Fix: Fix it."]


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.BLOCKER, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "notice"),
        (Severity.INFO, "notice"),
    ],
)
def test_levels(severity: Severity, level: str) -> None:
    [(name, _, _)] = _parsed(github.annotations(make_report([make_finding(severity=severity)])))
    assert name == level


def test_finding_without_file_names_its_target_in_the_message() -> None:
    f = make_finding("smoke", url="https://www.example.com/login", route="GET /login")
    [(_, props, data)] = _parsed(github.annotations(make_report([f])))
    assert "file" not in props and "line" not in props
    assert "smoke.example-rule at GET /login, https://www.example.com/login" in data


def test_history_finding_names_the_commit() -> None:
    f = make_finding(path="config.py", line=3, commit="a" * 40)
    [(_, props, data)] = _parsed(github.annotations(make_report([f])))
    assert props["file"] == "config.py"
    assert "at commit aaaaaaaaaaaa" in data


def test_paths_are_made_relative_to_the_root(tmp_path: Path) -> None:
    root = tmp_path
    inside = make_finding(path=f"{root}/src/a.py", line=1)
    outside = make_finding(rule="secrets.other", path="/etc/passwd", line=1)
    escaping = make_finding(rule="secrets.third", path="../secret.txt", line=1)
    windows = make_finding(rule="secrets.fourth", path="src\\win.py", line=2)
    out = github.annotations(make_report([inside, outside, escaping, windows]), root=root)
    by_title = {data.splitlines()[1]: props for _, props, data in _parsed(out)}
    assert by_title["secrets.example-rule"]["file"] == "src/a.py"
    assert "file" not in by_title["secrets.other at /etc/passwd"]
    assert "file" not in by_title["secrets.third at ../secret.txt"]
    assert by_title["secrets.fourth"]["file"] == "src/win.py"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_cannot_inject_or_break_the_line(hostile: str) -> None:
    f = make_finding(
        rule=f"secrets.{hostile}",
        title=f"T{hostile}",
        message=f"M{hostile}",
        remediation=f"R{hostile}",
        path=f"src/{hostile}.py",
        line=1,
        url=f"https://e.example/{hostile}",
    )
    output = github.annotations(make_report([f]))
    lines = runner_lines(output)
    assert len(lines) == 1
    assert lines[0].splitlines() == [lines[0]]  # no Unicode line break either
    [(name, props, data)] = _parsed(output)
    assert name == "error"
    assert set(props) <= {"file", "line", "col", "title"}
    assert props["title"] == f"[high] T{clean(hostile)}".replace("\n", " ").strip()
    assert data.startswith(f"M{clean(hostile)}")
    assert "\r" not in data


def _finding_strategy() -> st.SearchStrategy[Finding]:
    return hostile_findings(
        st.sampled_from(["secrets", "smoke", "dns"]),
        line=st.one_of(st.none(), st.integers(-1, 10**6)),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(_finding_strategy(), min_size=1, max_size=4))
def test_any_text_gives_one_well_formed_command_per_finding(findings: list[Finding]) -> None:
    report = make_report(findings)
    output = github.annotations(report)
    lines = runner_lines(output)
    assert len(lines) == len(report.findings)
    expected_levels = sorted((f.severity.rank for f in report.findings), reverse=True)
    levels = []
    for line in lines:
        assert line.splitlines() == [line]
        assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in line.replace("\t", ""))
        parsed = parse_command(line)
        assert parsed is not None
        name, props, data = parsed
        assert name in ("error", "warning", "notice")
        levels.append(name)
        assert set(props) <= {"file", "line", "col", "title"}
        assert "\r" not in data
        if "file" in props:
            assert props["file"] == repo_relative(props["file"])
    rank = {"error": 3, "warning": 2, "notice": 0}
    assert [rank[x] for x in levels] == [
        3 if r >= 3 else 2 if r == 2 else 0 for r in expected_levels
    ]


def test_limits_per_level_and_one_closing_notice() -> None:
    findings = [
        *(make_finding(rule=f"r.block{i}", severity="blocker") for i in range(5)),
        *(make_finding(rule=f"r.high{i}", severity="high") for i in range(20)),
        *(make_finding(rule=f"r.med{i}", severity="medium") for i in range(15)),
        *(make_finding(rule=f"r.low{i}", severity="low") for i in range(12)),
    ]
    commands = _parsed(github.annotations(make_report(findings)))
    names = [name for name, _, _ in commands]
    assert names.count("error") == 10
    assert names.count("warning") == 10
    assert names.count("notice") == 8  # 7 findings and the count (2 slots kept for the action)
    # The worst findings are the ones annotated: all 5 blockers make it.
    assert sum("[blocker]" in props.get("title", "") for _, props, _ in commands) == 5
    *_, (name, props, data) = commands
    hidden = (25 - 10) + (15 - 10) + (12 - 7)
    assert (name, props["title"]) == ("notice", "launchgate")
    assert data == f"{hidden} more findings not annotated; see the job summary"


def test_eight_notices_fit_without_a_count() -> None:
    """GitHub shows 10 notices a step; 2 stay free for the action's own notices."""
    findings = [make_finding(rule=f"r.low{i}", severity="info") for i in range(8)]
    eight = _parsed(github.annotations(make_report(findings)))
    assert [props["title"] for _, props, _ in eight] == ["[info] A problem"] * 8
    findings.append(make_finding(rule="r.low8", severity="low"))
    commands = _parsed(github.annotations(make_report(findings)))
    assert len(commands) == 8
    assert commands[-1][2] == "2 more findings not annotated; see the job summary"


def test_no_findings_no_annotations() -> None:
    assert github.annotations(make_report(checks=["env"])) == ""


def test_long_text_is_cut() -> None:
    f = make_finding(title="t" * 1000, message="m" * 10_000)
    [(_, props, data)] = _parsed(github.annotations(make_report([f])))
    assert len(props["title"]) == github.TITLE_LIMIT
    assert len(data) == github.MESSAGE_LIMIT and data.endswith("…")


# --- add-mask -----------------------------------------------------------------------------------


def test_mask_commands_escape_split_and_skip_blanks() -> None:
    values = ["s3cret%0A", "line1\nline2", "", "   ", "s3cret%0A", "x\r\n::set-output name=a::b"]
    commands = _parsed(github.mask_commands(values))
    assert all(name == "add-mask" and not props for name, props, _ in commands)
    assert [data for _, _, data in commands] == [
        "s3cret%0A",
        "line1\nline2",
        "line1",
        "line2",
        "x\r\n::set-output name=a::b",
        "x",
        "::set-output name=a::b",
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",))), max_size=4))
def test_masks_round_trip(values: list[str]) -> None:
    output = github.mask_commands(values)
    masked = {data for _, _, data in _parsed(output)} if output else set()
    for value in values:
        if value.strip():
            assert value in masked


# --- outputs ------------------------------------------------------------------------------------


def test_outputs_status_counts_and_paths() -> None:
    findings = [make_finding(severity="blocker"), make_finding(rule="x.y", severity="low")]
    report = make_report(findings, suppressed=[(make_finding(rule="z.z"), "accepted")])
    paths = {"sarif-file": "out/launchgate.sarif", "json-file": "out dir/report.json"}
    values = parse_output_file(github.outputs(report, paths))
    assert values == {
        "status": "fail",
        "verdict": "NO-GO: 1 launch blocker, 1 low",
        "blocker": "1",
        "high": "0",
        "medium": "0",
        "low": "1",
        "info": "0",
        "findings": "2",
        "suppressed": "1",
        "sarif-file": "out/launchgate.sarif",
        "json-file": "out dir/report.json",
    }


def test_a_path_with_a_newline_cannot_forge_an_output() -> None:
    hostile = "x.sarif\nstatus=pass\nEOF"
    text = github.outputs(make_report([make_finding(severity="blocker")]), {"sarif-file": hostile})
    values = parse_output_file(text)
    assert values["status"] == "fail"
    assert values["sarif-file"] == hostile
    assert "sarif-file<<ghadelimiter_" in text
    # A fresh delimiter every time: nobody can predict it and plant it in a value.
    again = github.outputs(make_report(), {"sarif-file": hostile})
    assert re.findall(r"ghadelimiter_\S+", text)[0] != re.findall(r"ghadelimiter_\S+", again)[0]


@pytest.mark.parametrize("name", ["", "a=b", "a<<b", "a\nb", "1abc", "a b"])
def test_bad_output_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="invalid output name"):
        github.outputs(make_report(), {name: "x"})


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_output_values_round_trip(path: str) -> None:
    values = parse_output_file(github.outputs(make_report(checks=["env"]), {"junit-file": path}))
    assert values["junit-file"] == path
    assert values["status"] == "pass"


# --- promises pinned against one-word changes (mutation testing) -------------------------------


def test_an_annotation_on_line_1_column_1_keeps_both() -> None:
    f = make_finding(path="a.py", line=1, column=1)
    [(_, props, _)] = _parsed(github.annotations(make_report([f])))
    assert (props["line"], props["col"]) == ("1", "1")
    g = make_finding(path="a.py", line=0, column=3)
    [(_, props, _)] = _parsed(github.annotations(make_report([g])))
    assert "line" not in props and "col" not in props
    h = make_finding(path="a.py", line=4, column=0)
    [(_, props, _)] = _parsed(github.annotations(make_report([h])))
    assert props["line"] == "4" and "col" not in props


def test_an_annotation_names_the_commit_by_its_first_12_characters() -> None:
    f = make_finding(path="config.py", line=3, commit="0123456789abcdef0123")
    [(_, _, data)] = _parsed(github.annotations(make_report([f])))
    assert data.splitlines()[1] == "secrets.example-rule at commit 0123456789ab"


@pytest.mark.parametrize(
    ("levels", "count"),
    [
        # a single hidden finding is counted, not dropped
        ((("high", 11), ("low", 7)), "1 more finding not annotated; see the job summary"),
        # with overflow elsewhere, the count takes the eighth notice slot
        ((("medium", 11), ("info", 8)), "2 more findings not annotated; see the job summary"),
    ],
)
def test_hidden_findings_are_counted_in_the_last_of_eight_notices(
    levels: tuple[tuple[str, int], ...], count: str
) -> None:
    findings = [
        make_finding(rule=f"r.{severity}{i}", severity=severity)
        for severity, n in levels
        for i in range(n)
    ]
    commands = _parsed(github.annotations(make_report(findings)))
    names = [name for name, _, _ in commands]
    assert (names.count("error") + names.count("warning"), names.count("notice")) == (10, 8)
    assert commands[-1][2] == count
