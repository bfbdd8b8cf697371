"""Mutation testing of the core modules with mutmut: one module at a time, in bounded time.

The gate's users trust a handful of decisions (status, verdict, de-duplication, redaction,
escaping, format verdicts). A test suite that still passes when one word of that code changes
does not pin the decision; mutation testing finds those words. ``mutmut run`` alone mutates every
module in ``[tool.mutmut] only_mutate`` against the whole suite, which takes hours on 2 cores.
This script instead runs each module in its own scratch copy of the project with only the tests
listed for it in ``[tool.launchgate.mutation]`` (pyproject.toml), under ``nice``, with at most
``--jobs`` test processes and a time budget per module, then prints per source file:

    killed (tests failed, timed out or crashed), equivalent (a survivor documented in
    mutation-equivalents.toml), survived, no tests, and the score
    (killed + equivalent) / mutants.

A survivor counts as equivalent only while its diff still matches the documented one: entries
name the function and the exact original and mutated line, not mutmut's mutant number, which
shifts when the function changes. Entries that match nothing are reported as stale.

Not part of ``.ci/run`` (too slow for every stop): run it before landing a change to a core
module. Exit status 1 when a module is below ``--target`` (default 90%) or ran out of time.

Usage: python benchmarks/mutation.py [MODULE ...] [--jobs 2] [--budget 1200] [--target 90]
       [--survivors] [--keep]
MODULE is an ``only_mutate`` entry or a path it covers (e.g. launchgate/redact.py); a path inside
a glob entry (launchgate/manifest/explain.py) mutates only that file, with the entry's tests.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "build" / "mutation"
EQUIVALENTS = ROOT / "mutation-equivalents.toml"

# mutmut's exit codes by outcome (mutmut/stats.py): what counts as a kill and what does not.
KILLED = {1, 3, 24, -24, 36, 37, 152, 255, -9, -11}
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass
class Score:
    path: str
    killed: int = 0
    equivalent: int = 0
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    unchecked: int = 0

    @property
    def total(self) -> int:
        return (
            self.killed + self.equivalent + len(self.survived) + len(self.no_tests) + self.unchecked
        )

    @property
    def percent(self) -> float:
        return 100.0 * (self.killed + self.equivalent) / self.total if self.total else 100.0


def load_config() -> tuple[dict[str, list[str]], dict[str, object]]:
    """The module -> tests table and mutmut's own table, checked against each other."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    tool = data["tool"]
    table: dict[str, list[str]] = tool["launchgate"]["mutation"]
    mutmut: dict[str, object] = tool["mutmut"]
    if list(table) != mutmut["only_mutate"]:
        sys.exit(
            "pyproject.toml: [tool.launchgate.mutation] must list the [tool.mutmut] only_mutate "
            f"entries in the same order\n  only_mutate: {mutmut['only_mutate']}\n"
            f"  tests for:   {list(table)}"
        )
    return table, mutmut


def load_equivalents() -> list[dict[str, str]]:
    if not EQUIVALENTS.exists():
        return []
    entries: list[dict[str, str]] = tomllib.loads(EQUIVALENTS.read_text("utf-8")).get(
        "equivalent", []
    )
    for entry in entries:
        missing = {"function", "original", "mutant", "reason"} - set(entry)
        if missing:
            sys.exit(f"{EQUIVALENTS.name}: entry {entry} lacks {', '.join(sorted(missing))}")
    return entries


def _mutmut_config(base: dict[str, object], only: list[str], tests: list[str]) -> str:
    """The project's [tool.mutmut] table narrowed to one pattern (or some of the files it
    covers) and its own tests.

    Values are strings, lists of strings, numbers and booleans, whose JSON form is valid TOML.
    """
    table = {**base, "only_mutate": only, "pytest_add_cli_args_test_selection": tests}
    lines = ["[tool.mutmut]", *(f"{key} = {json.dumps(value)}" for key, value in table.items())]
    return "\n".join(lines) + "\n"


def prepare(pattern: str, only: list[str], tests: list[str], base: dict[str, object]) -> Path:
    """A fresh scratch copy of the project (tracked and new files) configured for one module."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", pattern).strip("_")
    work = SCRATCH / slug
    shutil.rmtree(work, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        rel = raw.decode("utf-8", "surrogateescape")
        src = ROOT / rel
        if not src.is_file():
            continue
        dest = work / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    pyproject = (work / "pyproject.toml").read_text("utf-8")
    # Replace the [tool.mutmut] and [tool.launchgate.mutation] tables with the module's own.
    pyproject = re.sub(
        r"^\[tool\.(mutmut|launchgate\.mutation)\]\n(?:(?!\[).*\n)*", "", pyproject, flags=re.M
    )
    (work / "pyproject.toml").write_text(
        pyproject + "\n" + _mutmut_config(base, only, tests), "utf-8"
    )
    return work


def run_mutmut(work: Path, jobs: int, budget: float) -> bool:
    """Run mutmut in ``work`` (niced, own process group); False when the budget ran out."""
    mutmut = Path(sys.executable).with_name("mutmut")
    command = ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(jobs)]
    log = (work / "mutmut.log").open("wb")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        command, cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    try:
        proc.wait(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        return False
    finally:
        log.close()
    if proc.returncode != 0:
        tail = (work / "mutmut.log").read_text("utf-8", "replace")[-3000:]
        sys.exit(f"mutmut failed in {work} (exit {proc.returncode}):\n{tail}")
    return True


def _changed_lines(diff: str) -> tuple[str, str]:
    """The removed and added lines of a one-mutation diff, stripped and joined."""
    removed = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("-")]
    added = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+")]
    return (
        " ".join(ln for ln in removed if not ln.startswith("--")),
        " ".join(ln for ln in added if not ln.startswith("++")),
    )


def _diffs(work: Path, names: list[str]) -> dict[str, str]:
    """mutmut's own diff of each mutant (run inside the scratch copy, where its data is)."""
    if not names:
        return {}
    script = (
        "import json, sys\n"
        "from mutmut.mutation.diff_apply import get_diff_for_mutant\n"
        "names = json.load(sys.stdin)\n"
        "print(json.dumps({n: get_diff_for_mutant(n) for n in names}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=work,
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=True,
    )
    diffs: dict[str, str] = json.loads(out.stdout)
    return diffs


def score(work: Path, equivalents: list[dict[str, str]], used: set[int]) -> list[Score]:
    """Scores per mutated source file from mutmut's result files, with documented equivalents."""
    scores = []
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        path = str(meta.relative_to(work / "mutants"))[: -len(".meta")]
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        result = Score(path=path)
        survivors = sorted(k for k, c in codes.items() if c in SURVIVED)
        diffs = _diffs(work, survivors)
        for name, code in sorted(codes.items()):
            if code in KILLED:
                result.killed += 1
            elif code in SURVIVED:
                function = name.split("__mutmut_")[0]
                change = _changed_lines(diffs[name])
                match = next(
                    (
                        i
                        for i, e in enumerate(equivalents)
                        if e["function"] == function
                        and (e["original"].strip(), e["mutant"].strip()) == change
                    ),
                    None,
                )
                if match is None:
                    result.survived.append(name)
                else:
                    used.add(match)
                    result.equivalent += 1
            elif code in NO_TESTS:
                result.no_tests.append(name)
            else:
                result.unchecked += 1
        scores.append(result)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="only_mutate entries or paths (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="test processes at once (default 2)")
    parser.add_argument("--budget", type=float, default=1200, help="seconds per module")
    parser.add_argument("--target", type=float, default=90.0, help="minimum score per module (%%)")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    args = parser.parse_args()

    table, base = load_config()
    chosen = [
        p
        for p in table
        if not args.modules or any(m == p or fnmatch.fnmatch(m, p) for m in args.modules)
    ]
    if args.modules and not chosen:
        sys.exit(f"no only_mutate entry covers {args.modules}; entries: {', '.join(table)}")
    equivalents = load_equivalents()
    used: set[int] = set()
    failed = False
    rows: list[tuple[Score, bool, float]] = []
    for pattern in chosen:
        started = time.monotonic()
        print(f"== {pattern}: tests {' '.join(table[pattern])}", flush=True)
        # A file named inside a glob entry (launchgate/manifest/explain.py) mutates only that
        # file, with the entry's tests; the entry itself mutates every file it covers.
        files = [m for m in args.modules if m != pattern and fnmatch.fnmatch(m, pattern)]
        work = prepare(pattern, files or [pattern], table[pattern], base)
        finished = run_mutmut(work, args.jobs, args.budget)
        elapsed = time.monotonic() - started
        for result in score(work, equivalents, used):
            rows.append((result, finished, elapsed))
            print(
                f"   {result.path}: {result.percent:.1f}% ({result.total} mutants, "
                f"{result.killed} killed, {result.equivalent} equivalent, "
                f"{len(result.survived)} survived, {len(result.no_tests)} no tests"
                f"{f', {result.unchecked} not checked' if result.unchecked else ''})"
                f"{'' if finished else ' - OUT OF TIME'} in {elapsed:.0f} s",
                flush=True,
            )
            if args.survivors:
                missed = result.survived + result.no_tests
                for name, diff in _diffs(work, missed).items():
                    print(f"--- {name}\n{diff}\n{_stub(name, diff)}\n")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print("\nscore per module (killed + documented equivalent) / mutants:")
    for result, finished, _elapsed in rows:
        below = result.percent < args.target or not finished
        failed |= below
        mark = "OK " if not below else "LOW"
        print(f"  {mark} {result.percent:5.1f}%  {result.total:5d}  {result.path}")
    stale = [e for i, e in enumerate(equivalents) if i not in used]
    checked = {r.path for r, _f, _e in rows}
    stale = [e for e in stale if _module_file(e["function"]) in checked]
    for entry in stale:
        print(f"  stale equivalent (matches no survivor): {entry['function']}: {entry['mutant']}")
    return 1 if failed else 0


def _stub(name: str, diff: str) -> str:
    """A mutation-equivalents.toml entry for this survivor, for when it is truly equivalent."""
    original, mutant = _changed_lines(diff)
    return "\n".join(
        [
            "# [[equivalent]]",
            f"# function = {json.dumps(name.split('__mutmut_')[0], ensure_ascii=False)}",
            f"# original = {json.dumps(original, ensure_ascii=False)}",
            f"# mutant = {json.dumps(mutant, ensure_ascii=False)}",
            '# reason = "..."',
        ]
    )


def _module_file(function: str) -> str:
    """``launchgate.report.github.x_annotations`` -> ``launchgate/report/github.py``."""
    return function.rsplit(".", 1)[0].replace(".", "/") + ".py"


if __name__ == "__main__":
    sys.exit(main())
