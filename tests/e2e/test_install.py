"""The Docker image's install steps, run outside Docker (no engine here) in a fresh venv.

This is the one test that reaches the package index, through pip (its cache makes reruns quick):
it proves the hash-pinned lock installs as a whole and builds launchgate with the locked backend.
"""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCK_INSTALL = "pip install --require-hashes -r requirements/action.txt"
PROJECT_INSTALL = "pip install --no-deps --no-build-isolation"


def test_dockerfile_runs_these_same_install_steps() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert (
        "RUN pip install --require-hashes -r /tmp/launchgate/requirements/action.txt" in dockerfile
    )
    assert f"RUN {PROJECT_INSTALL} /tmp/launchgate" in dockerfile
    assert "git config --system --add safe.directory '*'" in dockerfile
    assert 'ENTRYPOINT ["launchgate", "action"]' in dockerfile


def test_lock_installs_in_a_fresh_venv_and_launchgate_runs(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    def pip(command: str, *extra: str) -> None:
        args = [python, "-m", *command.split(), "-q", *extra]
        done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]

    pip(LOCK_INSTALL)
    pip(PROJECT_INSTALL, ".")
    version = subprocess.run(
        [str(env_dir / "bin" / "launchgate"), "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert version.stdout.startswith("launchgate, version ")
    # Installed from the build, not linked to this checkout (as in the image).
    where = subprocess.run(
        [python, "-c", "import launchgate; print(launchgate.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(env_dir) in where.stdout
