"""The Docker image's install steps are the ones .ci/check-install runs in a fresh venv.

.ci/check-install reaches the package index, so it runs in CI, not here (tests stay on loopback);
this test keeps the Dockerfile and that script saying the same thing.
"""

from __future__ import annotations

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


def test_check_install_script_runs_the_same_steps() -> None:
    script = (REPO / ".ci" / "check-install").read_text()
    assert "--require-hashes -r requirements/action.txt" in script
    assert "--no-deps --no-build-isolation ." in script
