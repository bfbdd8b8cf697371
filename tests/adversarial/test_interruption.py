"""SIGTERM and SIGINT in the middle of a run: prompt exit, reports of what finished, no orphans.

The checks here are stubs that block until killed (one of them on a worker process that never
answers), so the signal always arrives mid-run. The tests wait for a file the stub writes when it
has started: an event, not a clock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ENTRY = r"""
import os, sys, threading
from pathlib import Path
import launchgate.cli as cli
from launchgate.checkapi import CheckSpec
from launchgate.registry import REGISTRY
from launchgate.secretscan.pool import run_jobs

started = Path(os.environ["STARTED"])
worker = [sys.executable, "-c",
          "import os, sys, time; open(os.environ['WORKER_PID'], 'w').write(str(os.getpid()));"
          "sys.stdin.buffer.read(1); time.sleep(600)"]

def blocks(ctx):
    started.write_text("yes")
    threading.Event().wait()

def waits_on_a_worker(ctx):
    jobs = list(run_jobs([("log", ["HEAD"])], object, 1, ctx.root, command=worker))
    return None

REGISTRY["env"] = CheckSpec(id="env", title="blocks", run=blocks)
REGISTRY["secrets"] = CheckSpec(id="secrets", title="worker", run=waits_on_a_worker)
sys.argv = ["launchgate", "run", "--only", "env,secrets", "--report", "json:out.json"]
cli.main()
"""


def _start(tmp_path: Path) -> subprocess.Popen[str]:
    (tmp_path / "launchready.yml").write_text("version: 1\n")
    env = {
        **os.environ,
        "STARTED": str(tmp_path / "started"),
        "WORKER_PID": str(tmp_path / "worker.pid"),
    }
    return subprocess.Popen(
        [sys.executable, "-c", ENTRY],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so killpg reaches only the run
    )


def _wait_for(path: Path, proc: subprocess.Popen[str], limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while not (path.exists() and path.read_text()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"  # a zombie has stopped; reaping it is init's business


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["TERM", "INT"]
)
def test_a_signal_mid_run_writes_the_report_stops_the_workers_and_says_which_signal(
    tmp_path: Path, signum: int, code: int
) -> None:
    proc = _start(tmp_path)
    _wait_for(tmp_path / "started", proc)
    _wait_for(tmp_path / "worker.pid", proc)
    worker = int((tmp_path / "worker.pid").read_text())
    os.killpg(proc.pid, signum)  # as a terminal's Ctrl-C or a runner's cancel would
    _stdout, stderr = proc.communicate(timeout=60)

    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert f"interrupted ({signal.Signals(signum).name})" in stderr
    report = json.loads((tmp_path / "out.json").read_text())
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses == {"env": "error", "secrets": "error"}
    assert report["status"] == "error"
    assert "interrupted before it finished" in (tmp_path / "out.json").read_text()
    deadline = time.monotonic() + 30
    while not _gone(worker):
        assert time.monotonic() < deadline, "the worker outlived the run"
        time.sleep(0.02)
