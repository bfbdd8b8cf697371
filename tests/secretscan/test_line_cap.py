"""One line of history may cost only so much: the rest of a longer line is skipped and said."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from launchgate.findings import CheckResult
from launchgate.secretscan.patchstream import DEFAULT_LINE_CAP, LineCuts, patch_buffers
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import github_token


def _through_a_pipe(data: bytes, cap: int, write: int = 7) -> tuple[list[bytes], LineCuts]:
    """``data`` written to a real pipe in small pieces, read back by ``patch_buffers``."""
    read_end, write_end = os.pipe()

    def writer() -> None:
        with os.fdopen(write_end, "wb", buffering=0) as out:
            for i in range(0, len(data), write):
                out.write(data[i : i + write])

    thread = threading.Thread(target=writer)
    thread.start()
    cuts = LineCuts()
    try:
        buffers = list(patch_buffers(read_end, cuts, cap))
    finally:
        thread.join()
        os.close(read_end)
    return buffers, cuts


def test_a_line_over_the_cap_is_cut_and_counted_and_the_next_lines_are_whole() -> None:
    # Lines far longer than a read (1 MB), so each spans several buffers.
    data = b"+short\n+" + b"x" * 5_000_000 + b"\n+after\n+" + b"y" * 3_000_000 + b"\n+end\n"
    buffers, cuts = _through_a_pipe(data, cap=100_000, write=65536)
    lines = b"".join(buffers).split(b"\n")
    assert [lines[0], lines[2], lines[4], lines[5]] == [b"+short", b"+after", b"+end", b""]
    for cut, letter in ((lines[1], b"x"), (lines[3], b"y")):
        assert 100_000 <= len(cut) <= 100_000 + (2 << 20)  # the cap, plus at most one read
        assert cut == b"+" + letter * (len(cut) - 1)
    assert cuts.lines == 2
    assert cuts.bytes == 5_000_001 - len(lines[1]) + 3_000_001 - len(lines[3])


def test_nothing_is_cut_under_the_cap() -> None:
    data = b"".join(b"+line %d\n" % i for i in range(2000))
    buffers, cuts = _through_a_pipe(data, cap=DEFAULT_LINE_CAP, write=4096)
    assert b"".join(buffers) == data
    assert (cuts.lines, cuts.bytes) == (0, 0)


def test_history_line_past_the_cap_is_a_note_and_its_start_is_still_scanned(
    tmp_path: Path, scan: Callable[..., CheckResult]
) -> None:
    first, hidden = github_token(), github_token()
    filler = "a" * (DEFAULT_LINE_CAP + (4 << 20))  # past the cap by more than any one read
    repo = GitRepo(tmp_path / "repo")
    repo.commit("start", {"README.md": "app\n"})
    base = repo.head()
    repo.commit("bundle", {"dist/app.js": f"var k='{first}';{filler};var h='{hidden}';\n"})
    repo.commit("remove", {"dist/app.js": "var k = process.env.K;\n"})
    # The file is over the default per-file cap too; raised, the line cap is what applies.
    manifest = {"secrets": {"max_file_bytes": 2 * len(filler)}}
    # A scan of every ref reads each file version whole (the file cap bounds it): both found.
    whole = scan(repo.path, manifest)
    assert [f.rule for f in whole.findings].count("secrets.github-token") == 2
    assert "secrets.line-too-long" not in [f.rule for f in whole.findings]
    # A range is read as patches, whose lines are capped.
    result = scan(repo.path, manifest, since=base)
    rules = [f.rule for f in result.findings]
    assert rules.count("secrets.github-token") == 1  # the one before the cap
    assert "secrets.line-too-long" in rules
    note = next(f for f in result.findings if f.rule == "secrets.line-too-long")
    assert note.severity.value == "medium"  # a secret past the cap must not pass unseen
    assert "would pass unseen" in note.message
    assert note.details["lines"] == 1
    assert int(note.details["bytes_not_scanned"]) >= 4 << 20
    assert "1 over-long lines scanned in part" in result.summary
    assert hidden not in repr(result)
    assert first not in repr(result)


def test_a_removed_line_over_the_cap_is_cut_but_not_counted() -> None:
    data = b"-" + b"x" * 5_000_000 + b"\n+kept\n"
    buffers, cuts = _through_a_pipe(data, cap=100_000, write=65536)
    assert b"".join(buffers).endswith(b"\n+kept\n")
    assert (cuts.lines, cuts.bytes) == (0, 0)
