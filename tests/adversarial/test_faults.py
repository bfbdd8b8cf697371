"""Faults in the middle of a run: a check that crashes, a check that hangs past its timeout, a
signal during a long real scan, and a process killed while it writes the perf history or the DNS
snapshot. The run must end in bounded time with every report written and every other check's
result kept, and leave no worker process, no temporary file and no half-written state behind.

``test_interruption.py`` covers signals with stub checks and a stub worker; here the scans are
real (the secrets check's workers on a real repository, the dns check against a server that
never answers), run as a user runs them: ``python -m launchgate``. Every wait is on an event
(a DNS question arriving, a file the paused writer creates) or on process state, never a clock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dns.message
import pytest
from click.testing import CliRunner

from launchgate.checkapi import CheckContext, CheckSpec
from launchgate.cli import main
from launchgate.dnscheck.drift import SNAPSHOT_KEY
from launchgate.findings import CheckResult
from launchgate.perf import history
from launchgate.registry import register, unregister
from launchgate.store import Store
from tests.fixtures.dnsresponder import Responder
from tests.fixtures.gitrepo import GitRepo
from tests.fixtures.nsd import start_nsd
from tests.fixtures.stubcheck import finding

MARK = "LAUNCHGATE_FAULT_TEST"  # every process of one run inherits it: how leftovers are found
LOOKUP_MS = 120_000  # the dns check alone would wait 2 x 120 s on the silent server
BOUND_S = 60  # a prompt end, with room for a loaded 2-core machine; far below LOOKUP_MS


def marked(token: str) -> list[int]:
    """Live processes (zombies excepted) whose environment carries ``MARK=token``."""
    needle = f"{MARK}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if needle in environ and state != "Z":
            found.append(int(entry.name))
    return found


def workers(token: str) -> list[int]:
    """The secrets check's worker processes of the run marked ``token``."""
    found = []
    for pid in marked(token):
        try:
            if b"launchgate.secretscan.worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


def assert_nothing_left(token: str, tmpdir: Path, state: Path) -> None:
    deadline = time.monotonic() + 30  # children are stopped before exit; this only absorbs reaping
    while marked(token):
        assert time.monotonic() < deadline, f"processes outlived the run: {marked(token)}"
        time.sleep(0.05)
    assert list(tmpdir.iterdir()) == []
    assert not list(state.glob("*.tmp")) if state.exists() else True


@pytest.fixture
def silent_dns() -> Iterator[tuple[Responder, threading.Event]]:
    """A nameserver that never answers, and an event set by the first question it gets."""
    asked = threading.Event()

    def never(_query: dns.message.Message, _transport: str) -> None:
        asked.set()

    server = Responder(never).start()
    yield server, asked
    server.stop()


@dataclass
class Project:
    root: Path
    tmpdir: Path
    token: str

    @property
    def state(self) -> Path:
        return self.root / ".launchgate"

    def start(self, *args: str) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LAUNCHGATE_", "GITHUB_"))}
        env.update({"TMPDIR": str(self.tmpdir), MARK: self.token})
        return subprocess.Popen(
            [sys.executable, "-m", "launchgate", "run", *args, "--report", "json:report.json"],
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )

    def report(self) -> dict[str, dict[str, object]]:
        data = json.loads((self.root / "report.json").read_text())
        return {c["id"]: c for c in data["checks"]}


def long_scan(tmp_path: Path, nameserver: str, extra: str = "") -> Project:
    """A repository big enough for the secrets check's workers, and a dns check on a server
    that never answers: a run that is still going when the test interrupts it."""
    repo = GitRepo(tmp_path / "repo")
    # Every line distinct and a candidate a rule must read (an identifier, never a finding): the
    # scan works for seconds. Plain padding was scanned in under 0.1 s, faster than the timeout.
    files = {
        f"src/module{i}.py": "".join(
            f"token = settings.get_token_value_{i}_{j}  # padding, nothing secret\n"
            for j in range(1200)
        )
        for i in range(120)
    }  # about 9 MB
    repo.commit("a big tree", files)
    (repo.path / "launchready.yml").write_text(
        f"""version: 1
secrets: {{history: true}}
domains: [{{name: slow.test, https: false}}]
dns: {{resolvers: ["{nameserver}"], timeout_ms: {LOOKUP_MS}}}
{extra}"""
    )
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    return Project(repo.path, tmpdir, uuid.uuid4().hex)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_signal_during_a_long_real_scan_ends_it_promptly_and_cleanly(
    tmp_path: Path, silent_dns: tuple[Responder, threading.Event], signum: int
) -> None:
    server, asked = silent_dns
    project = long_scan(tmp_path, server.address)
    proc = project.start("--only", "secrets,dns")
    # Workers first: they live while the tree is scanned (this process scans beside them, so
    # that can end before the dns check's first question); the dns check then waits on its
    # silent server until the signal, and the secrets check may have finished by then.
    deadline = time.monotonic() + BOUND_S
    while not workers(project.token):  # the secrets check is scanning on its workers
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the secrets check never started its workers"
        time.sleep(0.01)
    assert asked.wait(BOUND_S), proc.communicate(timeout=BOUND_S)  # the dns check is waiting now
    signalled = time.monotonic()
    os.killpg(proc.pid, signum)
    _out, err = proc.communicate(timeout=BOUND_S)

    assert time.monotonic() - signalled < BOUND_S
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err
    assert f"interrupted ({signal.Signals(signum).name})" in err
    checks = project.report()
    assert checks["dns"]["status"] == "error"
    assert "interrupted before it finished" in str(checks["dns"])
    assert checks["secrets"]["status"] in ("pass", "error")  # finished, or said it did not
    assert_nothing_left(project.token, project.tmpdir, project.state)


def test_a_check_running_past_its_timeout_is_reported_and_its_workers_stopped(
    tmp_path: Path, silent_dns: tuple[Responder, threading.Event]
) -> None:
    """The secrets check's real scan of 9 MB cannot finish in 0.1 s: it is reported as timed
    out, the dns check beside it (on a silent server, 300 ms per question) still ends with its
    own result, and the scan's workers and git processes do not outlive the run."""
    server, _asked = silent_dns
    project = long_scan(tmp_path, server.address, "checks: {secrets: {timeout_s: 0.1}}\n")
    project.root.joinpath("launchready.yml").write_text(
        project.root.joinpath("launchready.yml").read_text().replace(str(LOOKUP_MS), "300")
    )
    proc = project.start("--only", "secrets,dns")
    _out, err = proc.communicate(timeout=BOUND_S * 2)

    assert proc.returncode == 2, err
    assert "Traceback" not in err
    checks = project.report()
    assert checks["secrets"]["status"] == "error"
    assert "timed out after 0.1 s (checks.secrets.timeout_s)" in str(checks["secrets"])
    assert checks["dns"]["status"] == "error"
    assert "no answer from" in str(checks["dns"])  # its own verdict: could not check
    assert_nothing_left(project.token, project.tmpdir, project.state)


def test_a_check_crashing_mid_run_errors_alone_and_every_report_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashed = threading.Event()

    def crashes(_ctx: CheckContext) -> None:
        try:
            raise KeyError("a bug in a check")
        finally:
            crashed.set()

    def after_the_crash(_ctx: CheckContext) -> CheckResult:
        assert crashed.wait(60)  # still running when the other one crashed
        return CheckResult(check="steady", findings=(finding("high", check="steady"),))

    (tmp_path / "launchready.yml").write_text(
        "version: 1\nenv:\n  sources: [.env]\n  required: [{name: DATABASE_URL}]\n"
    )
    (tmp_path / ".env").write_text("OTHER=1\n")
    monkeypatch.chdir(tmp_path)
    register(CheckSpec(id="crashes", title="crashes", run=crashes))
    register(CheckSpec(id="steady", title="steady", run=after_the_crash))
    try:
        result = CliRunner().invoke(
            main,
            ["run", "--only", "env,crashes,steady", "--report", "json:r.json"]
            + ["--report", "sarif:r.sarif", "--report", "junit:r.xml", "--output", "r.txt"],
        )
    finally:
        unregister("crashes")
        unregister("steady")

    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    checks = {c["id"]: c for c in json.loads((tmp_path / "r.json").read_text())["checks"]}
    assert checks["crashes"]["status"] == "error"
    assert "internal error: KeyError: 'a bug in a check'" in str(checks["crashes"])
    assert checks["steady"]["status"] == "fail"
    assert checks["env"]["status"] == "fail"  # the real check ran to its end: DATABASE_URL
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"stub.problem", "env.missing"}
    assert ET.parse(tmp_path / "r.xml").getroot().iter("testcase")
    assert "a bug in a check" in (tmp_path / "r.txt").read_text()


# A writer paused in the middle of json.dump inside Store.put (a profile hook, test-only: the
# writing code is the real one), so that SIGKILL lands mid-write, not before or after it.
PAUSE = r"""
import os, sys, threading
from pathlib import Path

def _inside_store_put(frame):
    while frame is not None:
        if frame.f_code.co_name == "put" and frame.f_code.co_filename.endswith("store.py"):
            return True
        frame = frame.f_back
    return False

def _pause(frame, event, _arg):
    if (event == "call" and frame.f_code.co_name == "_iterencode_dict"
            and os.environ.get("PAUSED") and _inside_store_put(frame)):
        Path(os.environ.pop("PAUSED")).write_text(str(os.getpid()))
        threading.Event().wait()

sys.setprofile(_pause)
threading.setprofile(_pause)
"""

PERF_WRITER = r"""
import datetime as dt
from launchgate.perf import history
from launchgate.store import Store

p95 = float(sys.argv[2])
now = dt.datetime.fromisoformat(sys.argv[3])
runs = [
    (f"route{i}", history.RunRecord(f"https://app.test/r{i}", None, now.isoformat(), p95,
                                    tuple(float(s) for s in range(120))))
    for i in range(30)
]
history.append(Store(Path(sys.argv[1])), runs, now)
"""

DNS_RUN = r"""
import launchgate.cli as cli
sys.argv = ["launchgate", "run", "--only", "dns", "--report", "json:report.json"]
cli.main()
"""


def killed_mid_write(script: list[str], cwd: Path, paused: Path) -> None:
    """Run ``script``, wait until its writer is paused inside Store.put, SIGKILL it."""
    env = {**os.environ, "PAUSED": str(paused)}
    proc = subprocess.Popen(
        script, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + BOUND_S
    while not (paused.exists() and paused.read_text()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never reached Store.put"
        time.sleep(0.02)
    proc.kill()
    proc.communicate(timeout=BOUND_S)


def orphans(state: Path) -> list[str]:
    return sorted(p.name for p in state.glob(".*.tmp"))


def test_the_perf_history_is_never_half_written(tmp_path: Path) -> None:
    state = tmp_path / "state"
    write = [
        sys.executable,
        "-c",
        "import sys\nfrom pathlib import Path\n" + PERF_WRITER,
        str(state),
    ]
    day = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    subprocess.run([*write, "100", day.isoformat()], check=True, timeout=BOUND_S)
    before = (state / f"{history.KEY}.json").read_bytes()

    paused = tmp_path / "paused"
    hooked = [sys.executable, "-c", PAUSE + PERF_WRITER]
    killed_mid_write(
        [*hooked, str(state), "900", (day + dt.timedelta(days=1)).isoformat()], tmp_path, paused
    )
    assert (state / f"{history.KEY}.json").read_bytes() == before  # the old history, whole
    assert len(orphans(state)) == 1  # the killed writer's half file, beside it

    subprocess.run(
        [*write, "200", (day + dt.timedelta(days=2)).isoformat()], check=True, timeout=BOUND_S
    )
    runs = Store(state).get(history.KEY)["routes"]["route0"]
    assert [r["p95_ms"] for r in runs] == [100.0, 200.0]
    assert orphans(state) == []  # the next write removed what the killed one left


def test_the_dns_snapshot_is_never_half_written(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()

    def serve(address: str, directory: str) -> str:
        server = start_nsd(tmp_path / directory, {"site.test": f"app IN A {address}\n"})
        servers.append(server)
        (root / "launchready.yml").write_text(
            "version: 1\ndomains: [{name: app.site.test, https: false}]\n"
            f'dns: {{resolvers: ["{server.address}"], drift: true}}\n'
        )
        return server.address

    servers = []
    try:
        serve("192.0.2.1", "nsd1")
        first = subprocess.run(
            [sys.executable, "-m", "launchgate", "run", "--only", "dns"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=BOUND_S,
        )
        assert first.returncode == 0, first.stderr
        snapshot = root / ".launchgate" / f"{SNAPSHOT_KEY}.json"
        before = snapshot.read_bytes()
        servers[0].stop()

        serve("192.0.2.2", "nsd2")
        paused = tmp_path / "paused"
        killed_mid_write([sys.executable, "-c", PAUSE + DNS_RUN], root, paused)
        assert snapshot.read_bytes() == before
        assert len(orphans(root / ".launchgate")) == 1

        third = subprocess.run(
            [sys.executable, "-m", "launchgate", "run", "--only", "dns", "--format", "json"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=BOUND_S,
        )
        said = [f["message"] for f in json.loads(third.stdout)["findings"]]
        assert said == ["app.site.test A changed from 192.0.2.1 to 192.0.2.2."]
        assert orphans(root / ".launchgate") == []
    finally:
        for server in servers:
            server.stop()
