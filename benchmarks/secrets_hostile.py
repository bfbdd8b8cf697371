"""Benchmark: the shapes that made the secrets scan super-linear, each at two sizes.

* ``long line``: one minified, keyword-dense line (``apiKey``, ``token``, ``password`` every few
  bytes) of 5 MB and 20 MB, committed to a repository, scanned as tree and history. Every
  keyword hit used to search back to the start of its line: time grew with the square of the
  line's length (20 MB took 227 s).
* ``many secrets``: 4,000 and 16,000 distinct tokens in 100 files (tree only). Every finding's
  text used to be checked against every masked secret: time grew with the square of the count
  (16,000 took 87 s).

Each case runs ``python -m launchgate secrets DIR`` as a user would (report to /dev/null) and
prints its wall time and the growth factor from the small size to the large one: about 4 for
linear time (4x the input), about 16 for quadratic.

Usage: python benchmarks/secrets_hostile.py [--work DIR] [--small 5] [--large 20]
"""

from __future__ import annotations

import argparse
import os
import random
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_ALNUM = string.ascii_letters + string.digits
_IDENTITY = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]


def long_line(size: int, rng: random.Random) -> bytes:
    """``size`` bytes of one keyword-dense line with no newline (a minified bundle)."""
    parts: list[str] = []
    total = 0
    while total < size:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(6))
        part = f'var {word}={{apiKey:"{word}",token:t.{word},password:p}};'
        parts.append(part)
        total += len(part)
    return "".join(parts).encode()


def many_secrets(count: int, rng: random.Random) -> dict[str, str]:
    """``count`` distinct GitHub-token-shaped values, one per line, in 100 files."""
    files: dict[str, list[str]] = {}
    for i in range(count):
        token = "gh" + "p_" + "".join(rng.choice(_ALNUM) for _ in range(36))
        files.setdefault(f"conf/service{i % 100}.env", []).append(f"GITHUB_TOKEN_{i}={token}")
    return {name: "\n".join(lines) + "\n" for name, lines in files.items()}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *_IDENTITY, *args], cwd=repo, check=True, capture_output=True)


def make_repo(path: Path, files: dict[str, bytes]) -> Path:
    if path.exists():
        return path
    path.mkdir(parents=True)
    for name, data in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "hostile shape")
    return path


def run_scan(repo: Path, *flags: str) -> float:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "launchgate", "secrets", str(repo), *flags],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"launchgate secrets failed ({proc.returncode}): {proc.stderr[-500:]!r}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lg-hostile")
    parser.add_argument("--small", type=float, default=5, help="MB of the small long line")
    parser.add_argument("--large", type=float, default=20, help="MB of the large long line")
    parser.add_argument("--tokens", type=int, nargs=2, default=[4000, 16000])
    args = parser.parse_args()
    rng = random.Random(5)
    rows: list[tuple[str, str, float]] = []
    for mb in (args.small, args.large):
        repo = make_repo(
            args.work / f"line-{mb:g}mb",
            {"dist/app.min.js": long_line(int(mb * 1_000_000), rng)},
        )
        rows.append(("long line, tree", f"{mb:g} MB", run_scan(repo, "--no-history")))
        rows.append(("long line, tree + history", f"{mb:g} MB", run_scan(repo)))
    for count in args.tokens:
        files = {k: v.encode() for k, v in many_secrets(count, rng).items()}
        repo = make_repo(args.work / f"tokens-{count}", files)
        rows.append(("many secrets, tree", f"{count:,} tokens", run_scan(repo, "--no-history")))
    print(f"{'shape':28} {'size':>14} {'wall':>9}")
    for shape, size, wall in rows:
        print(f"{shape:28} {size:>14} {wall:8.2f}s")
    print("growth small -> large (4x the input; ~4 is linear, ~16 quadratic):")
    for shape in dict.fromkeys(s for s, _, _ in rows):
        small, large = [w for s, _, w in rows if s == shape]
        print(f"  {shape:28} {large / small:5.1f}x")
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
