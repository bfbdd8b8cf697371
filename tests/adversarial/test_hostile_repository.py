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
    assert "long.txt" in paths  # a 5 MB line is still scanned to its end
    assert report["checks"][0]["status"] in ("fail", "pass")
    assert done.returncode in (0, 1)
