"""Promises of the reporters' shared text hygiene (pinned by mutation testing): where a finding
may be placed in the repository, and how text is cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.report._common import ELLIPSIS, repo_relative, truncate


@pytest.mark.parametrize("path", ["a\tb.py", "a\nb.py", "src/\t.env"])
def test_a_path_with_a_tab_or_line_break_is_never_placed(path: str) -> None:
    assert repo_relative(path) is None


@pytest.mark.parametrize("path", [".", "..", "a/..", "../a.py", "a/../../b.py"])
def test_a_path_that_is_the_root_or_leaves_it_is_never_placed(path: str) -> None:
    assert repo_relative(path) is None


@pytest.mark.parametrize("path", ["C:/app/a.py", "c:/app/a.py", "C:\\app\\a.py", "/etc/a.py"])
def test_an_absolute_path_without_a_root_is_never_placed(path: str) -> None:
    assert repo_relative(path) is None


def test_absolute_paths_under_the_root_become_relative(tmp_path: Path) -> None:
    assert repo_relative("/etc/app/a.py", Path("/")) == "etc/app/a.py"
    assert repo_relative("./src//a.py") == "src/a.py"
    ends_in_x = tmp_path / "X"
    assert repo_relative(str(ends_in_x / "a.py"), ends_in_x) == "a.py"
    assert repo_relative(str(tmp_path / "Xa.py"), ends_in_x) is None  # a sibling, not inside
    backslash = tmp_path / "a\\b"  # a legal POSIX directory name
    backslash.mkdir()
    assert repo_relative(str(backslash / "x.py"), backslash) == "x.py"


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("abc", 3, "abc"),
        ("abcd", 3, f"ab{ELLIPSIS}"),
        ("abc", 1, ELLIPSIS),
        ("abc", 0, ELLIPSIS),
        ("", 0, ""),
    ],
)
def test_truncate_keeps_text_that_fits_and_marks_every_cut(
    text: str, limit: int, shown: str
) -> None:
    assert truncate(text, limit) == shown
