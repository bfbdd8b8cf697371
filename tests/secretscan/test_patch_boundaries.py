"""A history patch cut into buffers anywhere gives the same hits as one buffer.

``git log`` output reaches the scanner in pipe-sized buffers whose boundaries fall anywhere; a
cut between a file's ``diff --git`` line and its ``+++ b/...`` line used to leave the file's path
unset, so everything that file added in that commit was silently skipped.
"""

from __future__ import annotations

import subprocess

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import git_env, list_commits
from launchgate.secretscan.gitwalk import BatchResult, PatchScanner, _log_args
from launchgate.secretscan.rules import load_rules
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import github_token


def _patch(repo: GitRepo) -> bytes:
    commits = list_commits(repo.path, ["--all"])
    stdin = "".join(f"{c}\n" for c in commits).encode()
    return subprocess.run(
        _log_args(None), cwd=repo.path, env=git_env(), input=stdin, capture_output=True, check=True
    ).stdout


def _hits(detector: Detector, pieces: list[bytes]) -> list[tuple[str, int, str]]:
    result = BatchResult()
    scanner = PatchScanner(detector, result)
    for piece in pieces:
        scanner.feed(piece)
    return [(h.path, h.line, h.rule) for h in result.hits]


def test_a_buffer_cut_anywhere_in_a_file_header_loses_no_hit(tmp_path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", {"a.py": "x = 1\n", "config/app.py": f"TOKEN = '{github_token()}'\n"})
    repo.commit("two", {"b.py": f"T2 = '{github_token()}'\n"})
    patch = _patch(repo)
    detector = Detector(load_rules())
    whole = _hits(detector, [patch])
    assert len(whole) == 2
    # Cut after every complete line (the scanner is fed complete-line buffers).
    cuts = [i + 1 for i, byte in enumerate(patch) if byte == 0x0A][:-1]
    for cut in cuts:
        assert _hits(detector, [patch[:cut], patch[cut:]]) == whole, patch[:cut][-80:]
