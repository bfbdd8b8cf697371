"""Benchmark: the shapes that made the secrets scan super-linear, each at two sizes.

* ``long line``: one minified, keyword-dense line (``apiKey``, ``token``, ``password`` every few
  bytes) of 5 MB and 20 MB, committed to a repository, scanned as tree and history. Every
  keyword hit used to search back to the start of its line: time grew with the square of the
  line's length (20 MB took 227 s).
* ``many secrets``: 4,000 and 16,000 distinct tokens in 100 files (tree only). Every finding's
  text used to be checked against every masked secret: time grew with the square of the count
  (16,000 took 87 s).

and, with ``--repo``, the hostile repository shapes at full size (issue 13, item 6), each one
commit built with ``git fast-import``, scanned as tree + history:

* ``100 MB file``: keyword-dense text, over the per-file cap: must cost neither its size in
  memory (in any process, git included) nor its size in time;
* ``10 MB line``: one keyword-dense line (a minified bundle), at the default cap (not read) and
  with ``max_file_bytes`` raised to 20 MB (read whole in the tree, its first 4 MB in history);
* ``100,000 files``: one small file each, in one commit and on disk.

Each case runs ``python -m launchgate secrets DIR`` as a user would (report to /dev/null) and
prints its wall time, its peak memory (the largest resident set among the scan and every child
it waited for: workers, git) and, for the two sizes, the growth factor from the small size to
the large one: about 4 for linear time (4x the input), about 16 for quadratic.

Usage: python benchmarks/secrets_hostile.py [--work DIR] [--small 5] [--large 20] [--repo]
"""

from __future__ import annotations

import argparse
import os
import random
import string
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.fastimport import fast_import_commit  # noqa: E402

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


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
print(done.returncode, wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stderr.write(done.stderr.decode("utf-8", "replace")[-500:])
"""


def run_scan(repo: Path, *flags: str) -> tuple[float, int]:
    """Wall time and peak resident set (KB) of one scan, measured from a fresh process whose only
    children are the scan's (so git processes that built the repository do not count)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    scan = [sys.executable, "-m", "launchgate", "secrets", str(repo), *flags]
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *scan],
        cwd=repo,  # not this checkout: `-m` would import its launchgate before PYTHONPATH's
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    code, wall, peak = proc.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"launchgate secrets failed ({code}): {proc.stderr!r}")
    return float(wall), int(peak)


def dense_text(size: int) -> bytes:
    """``size`` bytes of keyword-dense lines: every line a candidate, the costliest to read."""
    line = b"password = token_value_for_api_key_and_secret_abcdefghijklmnopqrstu\n"
    return (line * (size // len(line) + 1))[:size]


def repo_shapes(work: Path, rng: random.Random) -> list[tuple[str, str, float, int]]:
    """The hostile repository shapes at full size: (shape, size, wall, peak KB)."""
    rows = []
    huge = work / "repo-100mb"
    if not huge.exists():
        fast_import_commit(huge, [(b"data/huge.log", dense_text(100_000_000))])
    rows.append(("100 MB file", "100 MB", *run_scan(huge)))
    line = work / "repo-10mb-line"
    if not line.exists():
        fast_import_commit(line, [(b"src/app.min.js", long_line(10_000_000, rng) + b"\n")])
    rows.append(("10 MB line, default cap", "10 MB", *run_scan(line)))
    raised = work / "raised.yml"
    raised.write_text("version: 1\nsecrets:\n  max_file_bytes: 20000000\n")
    rows.append(("10 MB line, cap 20 MB", "10 MB", *run_scan(line, "-m", str(raised))))
    many = work / "repo-100k-files"
    if not many.exists():
        files = (
            (b"d%03d/f%06d.txt" % (i % 1000, i), b"value_%d = %d\n" % (i, i))
            for i in range(100_000)
        )
        fast_import_commit(many, files)
    rows.append(("100,000 files", "100,000", *run_scan(many)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lg-hostile")
    parser.add_argument("--small", type=float, default=5, help="MB of the small long line")
    parser.add_argument("--large", type=float, default=20, help="MB of the large long line")
    parser.add_argument("--tokens", type=int, nargs=2, default=[4000, 16000])
    parser.add_argument("--repo", action="store_true", help="only the repository shapes")
    args = parser.parse_args()
    rng = random.Random(5)
    print(f"{'shape':28} {'size':>14} {'wall':>9} {'peak RSS':>10}")
    if args.repo:
        for shape, size, wall, peak in repo_shapes(args.work, rng):
            print(f"{shape:28} {size:>14} {wall:8.2f}s {peak / 1024:7.0f} MB")
        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        return
    rows: list[tuple[str, str, float, int]] = []
    for mb in (args.small, args.large):
        repo = make_repo(
            args.work / f"line-{mb:g}mb",
            {"dist/app.min.js": long_line(int(mb * 1_000_000), rng)},
        )
        rows.append(("long line, tree", f"{mb:g} MB", *run_scan(repo, "--no-history")))
        rows.append(("long line, tree + history", f"{mb:g} MB", *run_scan(repo)))
    for count in args.tokens:
        files = {k: v.encode() for k, v in many_secrets(count, rng).items()}
        repo = make_repo(args.work / f"tokens-{count}", files)
        rows.append(("many secrets, tree", f"{count:,} tokens", *run_scan(repo, "--no-history")))
    for shape, size, wall, peak in rows:
        print(f"{shape:28} {size:>14} {wall:8.2f}s {peak / 1024:7.0f} MB")
    print("growth small -> large (4x the input; ~4 is linear, ~16 quadratic):")
    for shape in dict.fromkeys(s for s, _, _, _ in rows):
        small, large = [w for s, _, w, _ in rows if s == shape]
        print(f"  {shape:28} {large / small:5.1f}x")
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
