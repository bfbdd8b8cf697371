"""The tree scan on every core: same findings and counters as one process, no chunk lost."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from launchgate.checkapi import CheckContext
from launchgate.manifest import Manifest
from launchgate.secretscan.check import run
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.tree import (
    IN_PROCESS_MAX_BYTES,
    TreeResult,
    _weights,
    git_tree_files,
    plan_chunks,
    scan_files,
)
from launchgate.store import Store
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import aws_key_id, github_token, stripe_key

MAX_BYTES = 6000
# A worker that scans one chunk properly and then exits: later chunks fall back mid-scan.
ONE_CHUNK_THEN_EXIT = """
import pickle, sys
from pathlib import Path
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.tree import scan_files
tag, paths, cap = pickle.load(sys.stdin.buffer)
result = scan_files(Path(sys.argv[1]), paths, Detector(load_rules()), cap, workers=1)
pickle.dump(result, sys.stdout.buffer)
"""


def _summary(result: TreeResult) -> tuple[object, ...]:
    return (
        result.hits,
        result.files,
        result.binary,
        result.too_large,
        result.unreadable,
        result.submodules,
        result.inline_suppressed,
    )


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """Forty-odd files in several directories: secrets, a binary, an oversized file, a
    minified line, inline markers, a symlink, an untracked file, an undecodable file name."""
    repo = GitRepo(tmp_path_factory.mktemp("mixed") / "repo")
    files: dict[str, str | bytes] = {}
    for i in range(36):
        lines = [f"token_{i}_{j} = settings.get_token('user_{j}')" for j in range(30)]
        if i % 4 == 0:
            lines.insert(i % 7, f"GITHUB_TOKEN = '{github_token()}'")
        if i % 9 == 1:
            lines.append(f"aws = '{aws_key_id()}'  # pragma: allowlist secret")
        files[f"pkg{i % 5}/mod{i}.py"] = "\n".join(lines) + "\n"
    files["vendor/lib.py"] = f"key = '{stripe_key()}'\n"
    files["web/node_modules/x/index.js"] = f"t = '{github_token()}'\n"
    files["static/app.min.js"] = "var a=1;" * 700 + f"var secret='{stripe_key()}';\n"
    files["data/blob.bin"] = b"\0\1\2" + f"k = '{github_token()}'".encode()
    files["data/huge.txt"] = "password = 'x'\n" * 1000
    repo.commit("mixed", files)
    repo.write("notes/untracked.txt", f"stripe = '{stripe_key()}'\n")
    repo.write(b"odd/\xff-name.py", f"T = '{github_token()}'\n")
    (repo.path / "link.py").symlink_to("pkg0/mod0.py")
    return repo


def _scan(repo: GitRepo, **kwargs: Any) -> TreeResult:
    paths = git_tree_files(repo.path)
    return scan_files(repo.path, paths, Detector(load_rules()), MAX_BYTES, **kwargs)


def test_parallel_tree_scan_matches_one_process_exactly(mixed: GitRepo) -> None:
    paths = git_tree_files(mixed.path)
    assert len(plan_chunks(paths, _weights(mixed.path, paths, MAX_BYTES), 2)) > 4
    one = _scan(mixed, workers=1)
    messages: list[str] = []
    two = _scan(mixed, workers=2, progress=messages.append)
    assert _summary(two) == _summary(one)
    # The scan really saw every kind of file, so the comparison means something.
    assert len(one.hits) >= 12
    assert {h.path for h in one.hits} >= {"vendor/lib.py", "static/app.min.js", "odd/\\xff-name.py"}
    assert (one.binary, one.too_large) == (1, [("data/huge.txt", 15000)])
    assert one.inline_suppressed == 4
    assert messages[-1] == f"secrets: tree {len(paths)}/{len(paths)} files"


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-c", "pass"],  # exits at once
        [sys.executable, "-c", "import sys; sys.stdin.buffer.read(9); print('garbage')"],
        ["/nonexistent/launchgate-worker"],  # cannot even start
        [sys.executable, "-c", ONE_CHUNK_THEN_EXIT],
    ],
    ids=["exits", "garbage", "missing", "one-chunk"],
)
def test_chunks_of_a_failed_worker_are_scanned_here(mixed: GitRepo, command: list[str]) -> None:
    one = _scan(mixed, workers=1)
    messages: list[str] = []
    two = _scan(mixed, workers=2, worker_command=command, progress=messages.append)
    assert _summary(two) == _summary(one)
    total = len(git_tree_files(mixed.path))
    assert messages[-1] == f"secrets: tree {total}/{total} files"


def test_excludes_apply_on_workers(mixed: GitRepo) -> None:
    exclude = ["vendor/**", "node_modules", "*.min.js"]
    one = _scan(mixed, workers=1, exclude=exclude)
    two = _scan(mixed, workers=2, exclude=exclude)
    assert _summary(two) == _summary(one)
    paths = {h.path for h in two.hits}
    assert "vendor/lib.py" not in paths
    assert not any("node_modules" in p or p.endswith(".min.js") for p in paths)
    assert len(two.hits) == len(_scan(mixed, workers=1).hits) - 3


def test_check_scans_a_big_tree_on_workers_with_excludes(tmp_path: Path) -> None:
    """Over the in-process threshold the check itself goes parallel: excludes (given to git
    as pathspecs, and re-checked) and findings are as before."""
    repo = GitRepo(tmp_path / "repo")
    filler = "value = compute(item, 42)\n" * 4000  # 104 kB of ordinary code per file
    files = {f"src/m{i}.py": filler for i in range(IN_PROCESS_MAX_BYTES // len(filler) + 2)}
    files["src/m3.py"] = filler + f"T = '{github_token()}'\n"
    files["vendor/big/v.py"] = f"T = '{github_token()}'\n"
    repo.commit("big", files)
    manifest = Manifest(
        path=repo.path / "launchready.yml",
        data={"version": 1, "secrets": {"exclude": ["vendor"], "history": False}},
    )
    messages: list[str] = []
    ctx = CheckContext(
        root=repo.path, manifest=manifest, store=Store(tmp_path / "state"), progress=messages.append
    )
    result = run(ctx)
    found = [(f.location.path, f.location.line) for f in result.findings]
    assert found == [("src/m3.py", 4001)]
    assert f"secrets: tree {len(files) - 1}/{len(files) - 1} files" in messages
