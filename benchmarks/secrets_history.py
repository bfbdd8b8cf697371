"""Benchmark: full-history secrets scan vs the floor, ``git log -p`` on the same repository.

Generates (once, cached) a repository of >= 5,000 commits and >= 1,000,000 added lines with
``git fast-import``: code-like lines, files that are edited (so git must really diff), a few
planted secrets and decoys. Then times:

* floor: ``git log --all -p`` (git's default output) to /dev/null, and the exact ``git log``
  flags the scanner uses (``-U0 --cc -M``), single process;
* the scanner: ``scan_history`` over every commit (``--all``), as ``launchgate secrets`` runs it.

Usage: python benchmarks/secrets_history.py [--repo DIR] [--commits 5000] [--lines 1000000]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import git_env, list_commits
from launchgate.secretscan.gitwalk import _log_args
from launchgate.secretscan.history import default_workers, scan_history
from launchgate.secretscan.rules import load_rules

WORDS = [
    "user",
    "account",
    "order",
    "item",
    "value",
    "result",
    "config",
    "request",
    "response",
    "client",
    "server",
    "cache",
    "index",
    "count",
    "total",
    "name",
    "path",
    "data",
    "list",
    "map",
    "key",
    "field",
    "record",
    "event",
    "handler",
    "service",
    "session",
    "query",
    "limit",
    "offset",
    "page",
    "filter",
    "sort",
    "status",
    "error",
    "message",
    "retry",
    "timeout",
    "buffer",
    "stream",
    "token",
    "auth",
]
TEMPLATES = (
    "    {a} = {b}.get_{c}({d})",
    "    if {a} is None:",
    "        return {b}_{c}",
    "    for {a} in {b}.{c}s:",
    "    self.{a}_{b} = {c}",
    "def {a}_{b}({c}, {d}):",
    "    # {a} the {b} before {c}",
    '    log.debug("{a} {b} %s", {c})',
    "    {a}.append({b}[{c}])",
    '    raise {A}Error("{b} {c}")',
    "    {a}_{b} = {n}",
    '    return {{"{a}": {b}, "{c}": {d}}}',
)
COMMON = ["", "    pass", "    return None", "}", "import os", "    else:", "        continue"]


def _rand(rng: random.Random, n: int, alphabet: str) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def make_line(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(COMMON)
    w = rng.choice
    return rng.choice(TEMPLATES).format(
        a=w(WORDS), b=w(WORDS), c=w(WORDS), d=w(WORDS), A=w(WORDS).title(), n=rng.randint(0, 9999)
    )


def planted(rng: random.Random) -> str:
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    kind = rng.randrange(5)
    if kind == 0:
        return "AWS_KEY = 'AKIA" + _rand(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") + "'"
    if kind == 1:
        return "GITHUB_TOKEN = 'ghp_" + _rand(rng, 36, alnum) + "'"
    if kind == 2:
        return "stripe_key = 'sk_live_" + _rand(rng, 24, alnum) + "'"
    if kind == 3:
        return "aws_access_key_id = 'AKIAIOSFODNN7EXAMPLE'"  # decoy
    return "password = 'changeme'"  # decoy


def generate(repo: Path, commits: int, lines: int, seed: int = 7) -> None:
    """Build the repository with git fast-import (seconds, not minutes)."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    files: dict[str, list[str]] = {}
    per_commit = int(lines * 1.15) // commits + 1  # git sees some edits as smaller
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE, env=git_env()
    )
    assert proc.stdin is not None
    out = proc.stdin
    when = 1_600_000_000
    for i in range(commits):
        touched: list[str] = []
        budget = per_commit
        while budget > 0:
            name = f"src/pkg{rng.randrange(40)}/mod{rng.randrange(12)}.py"
            body = files.setdefault(name, [])
            add = min(budget, rng.randint(20, 120))
            new = [make_line(rng) for _ in range(add)]
            if rng.random() < 0.01:
                new[rng.randrange(add)] = planted(rng)
            at = rng.randint(0, len(body))
            drop = rng.randint(0, min(len(body) - at, add // 2))
            body[at : at + drop] = new
            if len(body) > 400:  # keep files a realistic size: drop the oldest lines at the end
                del body[400:]
            budget -= add
            touched.append(name)
        msg = f"change {i}\n".encode()
        out.write(b"commit refs/heads/main\n")
        out.write(f"committer Dev <dev@example.com> {when + i * 60} +0000\n".encode())
        out.write(f"data {len(msg)}\n".encode() + msg)
        for name in dict.fromkeys(touched):
            data = ("\n".join(files[name]) + "\n").encode()
            out.write(f"M 100644 inline {name}\ndata {len(data)}\n".encode() + data + b"\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True)
    subprocess.run(["git", "-C", str(repo), "gc", "-q"], check=True)


def timed(cmd: list[str], cwd: Path, stdin: bytes | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, input=stdin, stdout=subprocess.DEVNULL, env=git_env(), check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, default=Path("/tmp/launchgate-bench-history"))
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="best of N for every timing")
    args = parser.parse_args()
    repo: Path = args.repo
    if not (repo / ".git").is_dir():
        start = time.perf_counter()
        generate(repo, args.commits, args.lines)
        print(f"generated {repo} in {time.perf_counter() - start:.1f} s")

    commits = list_commits(repo, ["--all"])
    floor_default = min(timed(["git", "log", "--all", "-p"], repo) for _ in range(args.runs))
    same = [*_log_args(None)]
    floor_same = min(timed(same, repo, stdin="\n".join(commits).encode()) for _ in range(args.runs))
    detector = Detector(load_rules())
    best = None
    for _ in range(args.runs):
        start = time.perf_counter()
        result = scan_history(repo, commits, detector)
        elapsed = time.perf_counter() - start
        if best is None or elapsed < best[0]:
            best = (elapsed, result)
    assert best is not None
    wall, result = best
    rules = sorted({h.rule for h in result.hits})
    print(
        f"repository:        {len(commits)} commits, {result.added_lines:,} added lines, "
        f"{result.bytes_read / 1e6:.0f} MB of -U0 patch"
    )
    print(f"workers:           {default_workers()}")
    print(f"floor git log -p:  {floor_default:.2f} s  (git log --all -p > /dev/null)")
    print(f"floor same flags:  {floor_same:.2f} s  (git log -p -U0 --cc -M, one process)")
    print(f"scanner wall time: {wall:.2f} s  -> {result.added_lines / wall:,.0f} added lines/s")
    print(
        f"ratio:             {wall / floor_default:.2f}x git log -p, "
        f"{wall / floor_same:.2f}x same-flags floor"
    )
    print(f"hits:              {len(result.hits)} raw ({', '.join(rules)})")


if __name__ == "__main__":
    main()
