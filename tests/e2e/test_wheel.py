"""The wheel carries the rule packs and schemas: install it into a fresh venv and use it there."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_installs_and_finds_its_data(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (wheel,) = dist.glob("launchgate-*.whl")
    env_dir = tmp_path / "venv"
    # The test interpreter's site-packages provide the dependencies (no network). It is added as a
    # plain path, so its .pth files (an editable launchgate among them) are not processed and
    # launchgate itself can only come from the wheel.
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    venv_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(venv_site, "deps-from-test-interpreter.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import launchgate.resources as r; "
            "print(r.data_dir('schemas')); print(r.data_dir('checks'))",
        ],
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    schemas, checks = (Path(line) for line in probe.stdout.splitlines())
    assert env_dir in schemas.parents and (schemas / "launchready.schema.json").is_file()
    assert env_dir in checks.parents and any(checks.glob("*.yml"))
    (work / "launchready.yml").write_text("version: 1\nfail_on: hihg\n")
    cli = env_dir / "bin" / "launchgate"
    bad = subprocess.run(
        [str(cli), "validate"], cwd=work, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2
    assert "did you mean 'high'?" in bad.stderr
    good = subprocess.run(
        [str(cli), "validate", str(REPO / "examples" / "saas.yml")],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
