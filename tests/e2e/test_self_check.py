"""launchgate passes its own gate: the manifest at the root, the tree and every commit.

The gate runs on a copy of this checkout's committed history (HEAD only), as CI's fresh clone
sees it: other local branches and worktrees (work in progress, other people's) are not ours to
judge here.
"""

from __future__ import annotations

import json
import re
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


def _git_lines(repo: Path, *args: str) -> list[str]:
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True).stdout
    return [name.decode().strip() for name in out.split(b"\0") if name.strip()]


def test_this_repository_passes_its_own_gate(tmp_path: Path) -> None:
    copy = _committed_copy(tmp_path / "self")
    report_file = tmp_path / "self.json"
    done = subprocess.run(
        [sys.executable, "-m", "launchgate", "run", "-r", f"json:{report_file}"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.stdout.rstrip().splitlines()[-1].startswith("GO:")

    # A gate that ran nothing would also say GO: assert which checks ran and what they scanned.
    report = json.loads(report_file.read_text("utf-8"))
    assert report["status"] == "pass"
    ran = [c for c in report["checks"] if c["status"] != "skipped"]
    assert [(c["id"], c["status"]) for c in ran] == [("env", "pass"), ("secrets", "pass")]
    # Checks this manifest does not configure are rows that say why, never silently absent.
    skipped = {c["id"]: c["summary"] for c in report["checks"] if c["status"] == "skipped"}
    assert all(why == "not configured in the manifest" for why in skipped.values()), skipped
    env, secrets = (c["summary"] for c in ran)

    # env reads code under launchready.yml's code_paths: launchgate/ and .github/workflows.
    code = _git_lines(copy, "ls-files", "-z", "launchgate/*.py", ".github/workflows/*.yml")
    scanned = re.search(r"(\d+) code file\(s\) scanned, (\d+) read\(s\) found", env)
    assert scanned, env
    assert int(scanned[1]) == len(code) > 50
    assert int(scanned[2]) > 0

    # secrets reads every file git sees in the tree and every commit of every ref.
    tree = _git_lines(copy, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    (commits,) = _git_lines(copy, "rev-list", "--all", "--count")
    counts = re.search(r"scanned tree: (\d+) files; history \(all refs\): (\d+) commits", secrets)
    assert counts, secrets
    assert (int(counts[1]), int(counts[2])) == (len(tree), int(commits))
    assert len(tree) > 100 and int(commits) > 1
