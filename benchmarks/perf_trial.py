"""Acceptance trial of issue #9: does ``launchgate perf`` flag what changed, and only that?

A local service (``tests/fixtures/delay_server.py``, its own process) has a read route and a
write route marked ``repeat_safe``. For every repetition a fresh state directory gets a baseline
of three good runs of the unchanged service, then each case below runs once against a copy of
that state directory, through the ``launchgate perf`` command line with the manifest's defaults
(launch-default budgets, 60 samples, concurrency 5, max_ratio 1.5, min_delta_ms 50), exactly as
a new user would run it:

* ``unchanged``: nothing changed, so any flagged route is a false alarm;
* ``2x slower``: every request of both routes takes twice as long;
* ``slow tail``: one request in ten of both routes takes 4x as long, the rest is unchanged;
* ``+400 ms writes``: the write route is 400 ms slower; the read route is unchanged (flagging it
  is a false alarm).

A route is *flagged* when the run reports a failing perf finding for it (regression, over
budget or error rate; a "likely over budget" or an unconfirmed first measurement is not a
failure). The table counts, per case, routes flagged as expected (caught), not flagged although
changed (missed) and flagged although unchanged (false alarms).

Run at normal priority: other processes on the machine add noise (that is part of the test; the
load average is printed). Usage: python benchmarks/perf_trial.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fixtures.delay_server import configure, serve  # noqa: E402

READ_MS, WRITE_MS = 100, 150
UNCHANGED = {"/r": {"delay_ms": READ_MS}, "/w": {"delay_ms": WRITE_MS}}
# case -> (server configuration, routes whose latency changed)
CASES: dict[str, tuple[dict[str, dict[str, Any]], set[str]]] = {
    "unchanged": (UNCHANGED, set()),
    "2x slower": ({"/r": {"delay_ms": 2 * READ_MS}, "/w": {"delay_ms": 2 * WRITE_MS}}, {"r", "w"}),
    "slow tail": (
        {
            "/r": {"delay_ms": READ_MS, "tail_ms": 4 * READ_MS, "tail_every": 10},
            "/w": {"delay_ms": WRITE_MS, "tail_ms": 4 * WRITE_MS, "tail_every": 10},
        },
        {"r", "w"},
    ),
    "+400 ms writes": ({"/r": {"delay_ms": READ_MS}, "/w": {"delay_ms": WRITE_MS + 400}}, {"w"}),
}
FAILING = {"perf.regression", "perf.over-budget", "perf.p50-over-budget", "perf.error-rate"}
MANIFEST = """version: 1
environments:
  production: {{base_url: "{base}"}}
routes:
  - {{name: r, path: /r}}
  - {{name: w, path: /w, method: POST, body: "{{}}", kind: write, repeat_safe: true}}
"""


def perf_run(manifest: Path, state: Path) -> dict[str, set[str]]:
    """One ``launchgate perf`` run: the routes it flagged, each with its failing rules."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "launchgate",
            "perf",
            "--manifest",
            str(manifest),
            "--state-dir",
            str(state),
            "--format",
            "json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=manifest.parent,
        timeout=600,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"launchgate perf failed ({done.returncode}):\n{done.stderr}")
    flagged: dict[str, set[str]] = {}
    for finding in json.loads(done.stdout)["findings"]:
        route = finding.get("location", {}).get("route")
        if finding["rule"] in FAILING and route:
            flagged.setdefault(route, set()).add(finding["rule"].removeprefix("perf."))
    return flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    counts = {case: {"runs": 0, "caught": 0, "missed": 0, "false": 0} for case in CASES}
    baseline_false = 0
    started = time.monotonic()
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp, serve() as base:
        root = Path(tmp)
        manifest = root / "launchready.yml"
        manifest.write_text(MANIFEST.format(base=base))
        for repeat in range(1, args.repeats + 1):
            state = root / f"state-{repeat}"
            configure(base, UNCHANGED)
            for _ in range(3):  # the baseline: three good runs of the unchanged service
                baseline_false += len(perf_run(manifest, state))
            line = [f"repeat {repeat}: baseline false alarms so far {baseline_false}"]
            for case, (config, changed) in CASES.items():
                copy = root / f"case-{repeat}-{case.replace(' ', '_')}"
                shutil.copytree(state, copy)
                configure(base, config)
                rules = perf_run(manifest, copy)
                flagged = set(rules)
                c = counts[case]
                c["runs"] += 1
                c["caught"] += len(flagged & changed)
                c["missed"] += len(changed - flagged)
                c["false"] += len(flagged - changed)
                shown = ", ".join(f"{r} ({'+'.join(sorted(rules[r]))})" for r in sorted(rules))
                line.append(f"{case}: {shown or '-'}")
            loads.append(os.getloadavg()[0])
            print("; ".join(line), f"(load {loads[-1]:.2f})", flush=True)
    minutes = (time.monotonic() - started) / 60
    print(
        f"\n{args.repeats} repeats in {minutes:.1f} min, 1-min load "
        f"{min(loads):.2f}-{max(loads):.2f} on {os.cpu_count()} cores; baseline runs: "
        f"{3 * args.repeats} x 2 routes, {baseline_false} false alarms\n"
    )
    print(f"| {'case':<15} | runs | changed routes | caught | missed | false alarms |")
    print(f"|{'-' * 17}|------|----------------|--------|--------|--------------|")
    for case, (_config, changed) in CASES.items():
        c = counts[case]
        expected = c["runs"] * len(changed)
        print(
            f"| {case:<15} | {c['runs']:>4} | {expected:>14} | {c['caught']:>6} | "
            f"{c['missed']:>6} | {c['false']:>12} |"
        )


if __name__ == "__main__":
    main()
