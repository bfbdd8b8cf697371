"""launchgate passes its own gate: the manifest at the root, the tree and every commit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_this_repository_passes_its_own_gate() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "launchgate", "run"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.stdout.rstrip().splitlines()[-1].startswith("GO:")
