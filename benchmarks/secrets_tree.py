"""Benchmark: working-tree secrets scan in one process vs on every core, next to the read floor.

Generates (seeded, once, cached in the temp directory or ``--repo DIR``) a git repository of
>= 20,000 files and >= 1,000,000 lines where every line holds a prefilter keyword (``token``,
``secret``, ``password``...), so the detector really works on each line, plus a few planted
secrets and decoys. Then times, best of ``--runs``:

* floor: ``git ls-files -z | xargs -0 cat > /dev/null`` (read every file once, one process) and
  ``git grep -c .`` (git's own threaded read + match of every line);
* ``scan_files`` over ``git_tree_files`` in this process (``workers=1``);
* ``scan_files`` on every core (``workers=None``, what ``launchgate secrets`` does).

and checks that both scans return the same hits and counters.

Usage: python benchmarks/secrets_tree.py [--repo DIR] [--files 20000] [--lines 1200000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import git_env
from launchgate.secretscan.history import default_workers
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.tree import TreeResult, git_tree_files, scan_files

MAX_BYTES = 2_000_000
WORDS = [
    "user",
    "order",
    "item",
    "config",
    "client",
    "server",
    "cache",
    "session",
    "query",
    "page",
    "status",
    "event",
]
# Every template holds a keyword the prefilter routes on, so no line is skipped cheaply.
TEMPLATES = (
    "    {a}_token = settings.get_token('{b}_{c}', {n})",
    "    if not {a}.secret_{b}: raise {A}Error('{c} secret missing')",
    "    password_field = form.{a}_{b}.password  # {c} {n}",
    "    self.{a}_api_key = env.api_key_for('{b}', '{c}')",
    "    {a}_credential = vault.credential({b}, timeout={n})",
    "    return redis_client.get('{a}:{b}:{c}:{n}')",
    "    log.debug('auth_key for {a} %s %s', {b}, {c})",
)


def _rand(rng: random.Random, n: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def planted(rng: random.Random) -> str:
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    kind = rng.randrange(4)
    if kind == 0:
        return "AWS_KEY = 'AK" + "IA" + _rand(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") + "'"
    if kind == 1:
        return "GITHUB_TOKEN = 'gh" + "p_" + _rand(rng, 36, alnum) + "'"
    if kind == 2:
        return "stripe_key = 'sk" + "_live_" + _rand(rng, 24, alnum) + "'"
    return "password = 'changeme'"  # decoy


def generate(repo: Path, files: int, lines: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    per_file = lines // files + 1
    repo.mkdir(parents=True)
    for i in range(files):
        body = []
        for _ in range(rng.randint(per_file // 2, per_file * 3 // 2)):
            w = rng.choice
            body.append(
                rng.choice(TEMPLATES).format(
                    a=w(WORDS), b=w(WORDS), c=w(WORDS), A=w(WORDS).title(), n=rng.randrange(9999)
                )
            )
        if i % 400 == 7:
            body.insert(rng.randrange(len(body) + 1), planted(rng))
        path = repo / f"src/pkg{i % 50}/mod{i // 50}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(body) + "\n")
    env = git_env()
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        cmd = ["git", "-c", "user.name=Bench", "-c", "user.email=b@example.com", *args]
        subprocess.run(cmd, cwd=repo, env=env, check=True)


def timed_shell(cmd: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, shell=True, cwd=cwd, env=git_env(), stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def best_scan(
    repo: Path, paths: list[str], workers: int | None, runs: int
) -> tuple[float, TreeResult]:
    best: tuple[float, TreeResult] | None = None
    for _ in range(runs):
        detector = Detector(load_rules())  # fresh: no line cache carried over between runs
        start = time.perf_counter()
        result = scan_files(repo, paths, detector, MAX_BYTES, workers=workers)
        elapsed = time.perf_counter() - start
        if best is None or elapsed < best[0]:
            best = (elapsed, result)
    assert best is not None
    return best


def counters(r: TreeResult) -> tuple[object, ...]:
    return (r.files, r.binary, r.too_large, r.unreadable, r.inline_suppressed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(tempfile.gettempdir()) / "launchgate-bench-tree"
    parser.add_argument("--repo", type=Path, default=default)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=1_200_000)
    parser.add_argument("--runs", type=int, default=3, help="best of N for every timing")
    args = parser.parse_args()
    repo: Path = args.repo
    if not (repo / ".git").is_dir():
        start = time.perf_counter()
        generate(repo, args.files, args.lines)
        print(f"generated {repo} in {time.perf_counter() - start:.1f} s")

    paths = git_tree_files(repo)
    size = sum((repo / p).stat().st_size for p in paths)
    nlines = sum((repo / p).read_bytes().count(b"\n") for p in paths)
    cat = "git ls-files -z | xargs -0 cat > /dev/null"
    floor_cat = min(timed_shell(cat, repo) for _ in range(args.runs))
    floor_grep = min(timed_shell("git grep -c . > /dev/null", repo) for _ in range(args.runs))
    one_wall, one = best_scan(repo, paths, 1, args.runs)
    par_wall, par = best_scan(repo, paths, None, args.runs)
    same = one.hits == par.hits and counters(one) == counters(par)

    print(f"repository:      {len(paths):,} files, {nlines:,} lines, {size / 1e6:.0f} MB")
    print(f"cores:           {default_workers()}")
    print(f"floor cat:       {floor_cat:.2f} s  ({cat})")
    print(f"floor git grep:  {floor_grep:.2f} s  (git grep -c ., threaded)")
    print(f"in-process scan: {one_wall:.2f} s  -> {nlines / one_wall:,.0f} lines/s")
    print(f"workers scan:    {par_wall:.2f} s  -> {nlines / par_wall:,.0f} lines/s")
    print(f"speed-up:        {one_wall / par_wall:.2f}x; {par_wall / floor_cat:.1f}x the cat floor")
    print(f"hits:            {len(par.hits)} raw ({', '.join(sorted({h.rule for h in par.hits}))})")
    print(f"identical:       {'yes' if same else 'NO: results differ'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
