"""A repository built to break the scanner: strange names, links out, huge lines, binary, gitlinks.

The secrets scan must finish in bounded time with a clear report: never follow a link out of the
repository (a link to another file holding a secret must not make that file's secret a finding),
never crash on a name, and say what it skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import github_token


def _scan(root: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    done = subprocess.run(
        [sys.executable, "-m", "launchgate", "secrets", ".", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done, json.loads(done.stdout)


def test_links_out_names_binary_and_long_lines_are_handled(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    foreign = github_token()
    (outside / "secret.env").write_text(f"TOKEN={foreign}\n")
    repo = GitRepo(tmp_path / "repo")
    inside = github_token()
    repo.commit(
        "files",
        {
            "ok.py": "print('fine')\n",
            "bin.dat": b"\x00\x01\x02" * 1000,
            "long.txt": "x" * 5_000_000 + f" T={inside}\n",
            "new\nline.txt": "nothing\n",
            b"bad\xff\xfe.txt": "nothing here\n",
        },
    )
    os.symlink(outside / "secret.env", repo.path / "link.env")
    os.symlink("/proc/self/environ", repo.path / "environ")
    repo.git("add", "link.env", "environ")
    repo.git("commit", "-qm", "links")
    done, report = _scan(repo.path)

    shown = json.dumps(report)
    assert foreign not in shown and inside not in shown  # never a value
    paths = {f["location"].get("path") for f in report["findings"]}
    assert "link.env" not in paths  # the link's target is outside: not read
    assert "environ" not in paths
    # A 5 MB file is over the 2 MB per-file cap in the tree and in history: named, not read.
    too_large = [f for f in report["findings"] if f["rule"] == "secrets.file-too-large"]
    assert [f["location"]["path"] for f in too_large] == ["long.txt"]
    assert too_large[0]["details"]["not_scanned_in"] == ["tree", "history"]
    assert report["checks"][0]["status"] in ("fail", "pass")
    assert done.returncode in (0, 1)


def test_a_corrupt_object_fails_the_gate_and_a_submodule_is_named_not_followed(
    tmp_path: Path,
) -> None:
    """A corrupt blob is never a clean pass (high, with git's own words), and a submodule's
    commits (another repository) are said to be outside the scan, not silently skipped."""
    sub = GitRepo(tmp_path / "sub")
    sub.commit("s", {"s.env": f"TOKEN={github_token()}\n"})
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", {"a.env": f"TOKEN={github_token()}\n"})
    repo.git("rm", "-q", "a.env")  # gone from the tree: git cannot reuse the file for the blob
    repo.git("commit", "-qm", "rm")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "v/sub")
    repo.git("commit", "-qm", "sub")
    blob = repo.git("rev-parse", "HEAD~2:a.env").strip()
    loose = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"not zlib at all")

    done, report = _scan(repo.path)
    assert done.returncode == 1
    (check,) = report["checks"]
    assert check["status"] == "fail"
    assert "1 submodule(s) not followed" in check["summary"]
    (incomplete,) = [f for f in report["findings"] if f["rule"] == "secrets.history-incomplete"]
    assert incomplete["severity"] == "high"
    assert "missing or corrupt objects" in incomplete["message"]
