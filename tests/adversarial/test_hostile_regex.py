"""Patterns a pull request can bring (manifest ``pattern``, user rule packs) cannot hang the gate.

``(a+)+$`` on forty ``a`` and a ``!`` takes Python's backtracking engine longer than the age of
the universe, holding the GIL so no timeout fires. User patterns run on RE2 (linear time), and
constructs RE2 refuses are a clear error when the pack or manifest is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchgate.userregex import UnsafePatternError, compile_user
from tests.e2e.test_cli_subprocess import launchgate

# The subprocess timeout (60 s) guards against a hang: linear time takes milliseconds here, the
# backtracking engine would never finish.
EVIL = "(a+)+$"
SUBJECT = "a" * 40 + "!"


def test_a_catastrophic_manifest_pattern_is_judged_in_linear_time(tmp_path: Path) -> None:
    (tmp_path / "launchready.yml").write_text(
        "version: 1\nenv:\n  sources: [.env]\n  required:\n"
        f"    - {{name: TOKEN, pattern: '{EVIL}'}}\n"
    )
    (tmp_path / ".env").write_text(f"TOKEN={SUBJECT}\n")
    done = launchgate("env", "--format", "json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr
    (finding,) = report["findings"]
    assert finding["rule"] == "env.malformed"
    assert "does not match the declared pattern" in finding["message"]


def test_a_catastrophic_user_secrets_rule_scans_in_linear_time(tmp_path: Path) -> None:
    (tmp_path / "pack.yml").write_text(
        "kind: secrets\nrules:\n"
        "  - id: secrets.evil\n    title: Evil\n    severity: high\n    remediation: none\n"
        "    keywords: [aaaa]\n    regex: 'x(a+)+$'\n"
        "    examples:\n      positive: ['xaaaa']\n      negative: ['yaaaa']\n"
    )
    (tmp_path / "launchready.yml").write_text("version: 1\nrules:\n  packs: [pack.yml]\n")
    (tmp_path / "data.txt").write_text(("x" + SUBJECT + "\n") * 50)
    done = launchgate("secrets", "--no-history", "--format", "json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert report["status"] == "pass", done.stdout[-2000:] + done.stderr[-2000:]
    assert report["checks"][0]["status"] == "pass"


def test_a_user_pack_with_lookaround_is_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "pack.yml").write_text(
        "kind: secrets\nrules:\n"
        "  - id: secrets.look\n    title: Look\n    severity: high\n    remediation: none\n"
        "    keywords: [tok]\n    regex: 'tok_(?=[a-z]{8})[a-z]+'\n"
        "    examples:\n      positive: ['tok_abcdefgh']\n      negative: ['tok_ab']\n"
    )
    (tmp_path / "launchready.yml").write_text("version: 1\nrules:\n  packs: [pack.yml]\n")
    done = launchgate("secrets", "--no-history", cwd=tmp_path)
    assert done.returncode == 2
    assert "secrets.look" in done.stdout + done.stderr
    assert "RE2" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_catastrophic_user_env_value_rule_is_linear(tmp_path: Path) -> None:
    (tmp_path / "pack.yml").write_text(
        "kind: env\nrules:\n"
        "  - id: evil-value\n    category: placeholder\n    severity: high\n"
        "    description: d\n    remediation: r\n"
        f"    patterns: ['{EVIL}']\n"
        "    examples:\n      positive: ['aaaa']\n      negative: ['aaab']\n"
    )
    (tmp_path / "launchready.yml").write_text(
        "version: 1\nrules:\n  packs: [pack.yml]\nenv:\n  sources: [.env]\n"
        "  required:\n    - {name: TOKEN}\n"
    )
    (tmp_path / ".env").write_text(f"TOKEN={SUBJECT}\n")
    done = launchgate("env", "--format", "json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert report["status"] == "pass", done.stderr  # the value ends in "!": no placeholder


def test_user_patterns_keep_named_groups_and_refuse_backreferences() -> None:
    pattern = compile_user(r"key=(?P<secret>[a-z]{4})")
    match = pattern.search("x key=abcd")
    assert match is not None
    assert (match.group("secret"), match.start("secret"), match.span()) == ("abcd", 6, (2, 10))
    assert [m.group(0) for m in pattern.finditer("key=aaaa key=bbbb")] == ["key=aaaa", "key=bbbb"]
    assert compile_user("ABC", ignore_case=True).fullmatch("abc") is not None
    with pytest.raises(UnsafePatternError, match="backreferences"):
        compile_user(r"(a)\1")
