"""launchgate passes its own gate: the manifest at the root, the tree and every commit.

The gate runs on a copy of this checkout's committed history (HEAD only), as CI's fresh clone
sees it: other local branches and worktrees (work in progress, other people's) are not ours to
judge here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _committed_copy(target: Path) -> Path:
    def git(*args: str, cwd: Path = target) -> None:
        subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=120)

    target.mkdir()
    git("init", "-q", "-b", "main")
    git("fetch", "-q", "--no-tags", str(REPO), "HEAD")
    git("checkout", "-q", "-B", "main", "FETCH_HEAD")
    return target


def test_this_repository_passes_its_own_gate(tmp_path: Path) -> None:
    copy = _committed_copy(tmp_path / "self")
    done = subprocess.run(
        [sys.executable, "-m", "launchgate", "run"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.stdout.rstrip().splitlines()[-1].startswith("GO:")
