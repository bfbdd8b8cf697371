"""Hostile YAML: manifests, rule packs and workflow files that a pull request may bring.

Each must end in a positioned, readable error (or be ignored where the file is only read for
hints), never a traceback, a RecursionError or an "internal error".
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from launchgate.cli import main
from launchgate.envcheck.codescan.workflows import workflow_reads
from launchgate.manifest import ManifestError, load_manifest
from launchgate.secretscan.rules import RulePackError, read_pack
from launchgate.yamlguard import MAX_DEPTH, TooDeep, load_bounded

DEEP_FLOW = "version: 1\nenv:\n  required: " + "[" * 600 + "]" * 600 + "\n"
UNCLOSED = "version: 1\nenv:\n  required: " + "[" * 600 + "\n"
DEEP_BLOCK = "version: 1\nenv:\n" + "".join("  " * i + f"k{i}:\n" for i in range(2, 200))


@pytest.mark.parametrize("text", [DEEP_FLOW, UNCLOSED, DEEP_BLOCK])
def test_a_deeply_nested_manifest_is_a_positioned_error_not_a_recursion_crash(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "launchready.yml"
    path.write_text(text)
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    (problem,) = caught.value.problems
    # the flow ones open on line 3; in the block one, the mapping on line N is N - 1 deep
    assert problem.line == (3 if "required" in text else MAX_DEPTH + 2)
    assert f"deeper than {MAX_DEPTH} levels" in problem.message


def test_every_command_reports_the_deep_manifest_as_invalid_not_internal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "launchready.yml").write_text(DEEP_FLOW)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["validate"], ["secrets", "--no-history", "-m", "launchready.yml", "."]):
        result = runner.invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 2, args
        assert "launchready.yml:3:" in result.output
        assert "internal error" not in result.output
        assert "RecursionError" not in result.output


def test_a_manifest_nested_exactly_to_the_limit_is_still_read() -> None:
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert load_bounded(f"a: {nested}") is not None  # a mapping plus MAX_DEPTH - 1 lists fit
    with pytest.raises(TooDeep):
        load_bounded(f"a: [{nested}]")


def test_the_nesting_check_is_linear_on_a_megabyte_of_brackets() -> None:
    started = time.perf_counter()
    with pytest.raises(TooDeep):
        load_bounded("a: " + "[" * 900_000)
    assert time.perf_counter() - started < 20  # quadratic would take hours; linear well under 1 s


def test_a_deep_user_rule_pack_is_a_clear_rule_pack_error(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yml"
    pack.write_text("kind: secrets\nrules: " + "[" * 600 + "\n")
    with pytest.raises(RulePackError, match="deeper than"):
        read_pack(pack)


def test_a_deep_workflow_file_is_skipped_by_the_code_read_not_crashed_on() -> None:
    source = "on: push\nenv:\n  X: ${{ secrets.TOKEN }}\njobs: " + "[" * 600 + "\n"
    assert workflow_reads(source, ".github/workflows/x.yml") == []


def test_too_deep_is_an_ordinary_yaml_error_with_a_position() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        load_bounded("x:\n  y: " + "{a: " * 100)
    assert caught.value.problem_mark is not None
    assert caught.value.problem_mark.line == 1
