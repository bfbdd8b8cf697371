"""Benchmark: committed credential files, launchgate next to detect-secrets.

Builds the folder of ``tests/fixtures/credential_files.py`` (the files people commit by mistake:
.netrc, .pgpass, .git-credentials, .npmrc, docker auths, htpasswd/shadow, PuTTY, master.key,
.s3cfg/.boto, .pypirc, wp-config.php, Django settings, database.yml, JDBC/ODBC strings, Maven,
Tomcat, FileZilla, SFTP, msmtp/mutt, SQL dumps; and decoy files of the same formats holding
placeholders, ``${VAR}`` references, ``<password>`` templates, hashes of the empty string) in a
one-commit git repository, for several seeds. Then ``launchgate secrets --no-history`` and
``detect-secrets scan`` run on it, and each is scored:

* files with a true finding: secret files where a line holding a credential is reported;
* lines flagged in files that hold none (false positives in decoy files);
* extra lines flagged in secret files on lines that hold no credential.

Usage: python benchmarks/credential_files.py [--seeds 1 2 3] [--keep DIR]
To score another checkout of launchgate, run it with PYTHONPATH=/that/checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.credential_files import Corpus, build

Found = set[tuple[str, int]]


def write_repo(corpus: Corpus, root: Path) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    for path, text in corpus.files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], cwd=root, check=True, env=env)


def run_launchgate(root: Path) -> Found:
    cmd = [sys.executable, "-m", "launchgate", "secrets", str(root), "--no-history"]
    proc = subprocess.run([*cmd, "--format", "json"], capture_output=True, text=True, cwd=root)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"launchgate failed: {proc.stderr}")
    found: Found = set()
    for f in json.loads(proc.stdout)["findings"]:
        loc = f.get("location") or {}
        if f.get("severity") != "info" and loc.get("path") and loc.get("line"):
            found.add((loc["path"], int(loc["line"])))
    return found


def run_detect_secrets(root: Path) -> Found:
    exe = shutil.which("detect-secrets") or str(Path(sys.executable).parent / "detect-secrets")
    proc = subprocess.run([exe, "scan"], capture_output=True, text=True, cwd=root)
    if proc.returncode != 0:
        raise SystemExit(f"detect-secrets failed: {proc.stderr}")
    results = json.loads(proc.stdout)["results"]
    return {(p, int(item["line_number"])) for p, items in results.items() for item in items}


@dataclass
class Score:
    secret_files: int = 0
    files_found: int = 0
    clean_files: int = 0
    clean_files_flagged: int = 0
    clean_lines_flagged: int = 0
    extra_lines: int = 0

    def add(self, corpus: Corpus, found: Found, missed: list[str]) -> None:
        for path, lines in corpus.planted.items():
            self.secret_files += 1
            mine = {line for p, line in found if p == path}
            if mine & lines:
                self.files_found += 1
            else:
                missed.append(path)
            self.extra_lines += len(mine - lines)
        for path in corpus.clean:
            self.clean_files += 1
            flagged = {line for p, line in found if p == path}
            self.clean_lines_flagged += len(flagged)
            self.clean_files_flagged += bool(flagged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--keep", type=Path, help="build the last seed's folder here and keep it")
    args = parser.parse_args()
    scores = {"launchgate": Score(), "detect-secrets": Score()}
    missed: dict[str, list[str]] = {name: [] for name in scores}
    for seed in args.seeds:
        corpus = build(seed)
        tmp = tempfile.mkdtemp(prefix="launchgate-credfiles-")
        root = Path(tmp) / "repo"
        try:
            write_repo(corpus, root)
            scores["launchgate"].add(corpus, run_launchgate(root), missed["launchgate"])
            scores["detect-secrets"].add(corpus, run_detect_secrets(root), missed["detect-secrets"])
            if args.keep and seed == args.seeds[-1]:
                shutil.rmtree(args.keep, ignore_errors=True)
                shutil.copytree(root, args.keep)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    first = scores["launchgate"]
    print(
        f"credential files: {first.secret_files} files holding a credential, "
        f"{first.clean_files} decoy files, seeds {' '.join(map(str, args.seeds))}\n"
    )
    print(
        f"{'scanner':<16}{'files found':>13}{'recall':>8}{'decoy files flagged':>21}"
        f"{'decoy lines flagged':>21}{'extra lines':>13}"
    )
    for name, s in scores.items():
        print(
            f"{name:<16}{s.files_found:>6}/{s.secret_files:<6}"
            f"{s.files_found / s.secret_files:>8.3f}"
            f"{s.clean_files_flagged:>14}/{s.clean_files:<6}{s.clean_lines_flagged:>21}"
            f"{s.extra_lines:>13}"
        )
    for name, paths in missed.items():
        if paths:
            print(f"\nmissed by {name}: {', '.join(sorted(set(paths)))}")


if __name__ == "__main__":
    main()
