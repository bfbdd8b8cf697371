"""No secret leaves a run through a name or a path: every output format, read back whole.

Planted: a live Stripe key used as an environment variable *name* in code, and a GitHub token in
a file *name*. Both used to be printed in full in stdout, annotations, JSON, SARIF, JUnit and the
job summary, with no ``::add-mask::``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import github_token, rand


def _outputs(tmp: Path, repo: Path, args: list[str]) -> tuple[str, list[str]]:
    summary, outputs = tmp / "summary.md", tmp / "outputs.txt"
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_WORKSPACE": str(repo),
    }
    env.pop("CI", None)
    proc = subprocess.run(
        [sys.executable, "-m", "launchgate", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    texts = [proc.stdout, proc.stderr, summary.read_text(), outputs.read_text()]
    texts += [p.read_text() for p in sorted((tmp / "reports").iterdir())]
    return proc.stdout, texts


def test_secrets_in_variable_names_and_file_paths_never_reach_any_output(tmp_path: Path) -> None:
    stripe = "sk_live_" + rand(32)
    token, inner = github_token(), github_token()
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "app",
        {
            "launchready.yml": "version: 1\nenv:\n  required:\n    - {name: DATABASE_URL}\n",
            "app.py": f'import os\nKEY = os.environ.get("{stripe}")\n'
            'DB = os.environ["DATABASE_URL"]\n',
            f"tokens/{token}.env": f"API_TOKEN={inner}\n",
        },
    )
    reports = tmp_path / "reports"
    args = ["run", "--verbose", "--allow-errors"]
    for fmt in ("json", "sarif", "junit", "markdown", "github", "text"):
        args += ["--report", f"{fmt}:{reports / ('out.' + fmt)}"]
    stdout, texts = _outputs(tmp_path, repo.path, args)

    masks = [line for line in stdout.splitlines() if line.startswith("::add-mask::")]
    assert f"::add-mask::{stripe}" in masks
    assert f"::add-mask::{token}" in masks
    # The planted values were seen (the run reported on both places) ...
    assert "tokens/" in "".join(texts)
    assert "app.py" in "".join(texts)
    # ... and appear nowhere except on the mask lines.
    for text in texts:
        shown = "\n".join(line for line in text.splitlines() if not line.startswith("::add-mask::"))
        assert stripe not in shown
        assert token not in shown
        assert inner not in shown
