"""Workers started early (``pool.prestart``) serve the next run, and are stopped if none does."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate import children
from launchgate.checkapi import CheckError
from launchgate.secretscan.gitwalk import BatchResult
from launchgate.secretscan.pool import prestart, release_spares, run_jobs
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import github_token


def _repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", {"a.py": f"T = '{github_token()}'\n"})
    return repo


def test_a_prestarted_worker_takes_the_next_jobs_instead_of_a_new_one(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = children.live()
    prestart(repo.path)
    assert children.live() == before + 1
    results = list(run_jobs([("log", [repo.head()])], BatchResult, 1, repo.path))
    [(index, batch)] = results
    assert index == 0 and isinstance(batch, BatchResult)
    assert [h.rule for h in batch.hits] == ["secrets.github-token"]
    # The spare did the job and ended with the run: no new worker was started beside it.
    assert children.live() == before
    release_spares()  # nothing left to stop
    assert children.live() == before


def test_a_spare_for_other_arguments_is_not_used_and_is_stopped(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = children.live()
    prestart(repo.path, pathspecs=[":(exclude)vendor"])  # not the run below
    results = list(run_jobs([("log", [repo.head()])], BatchResult, 1, repo.path))
    assert [type(b) for _i, b in results] == [BatchResult]
    assert children.live() == before + 1  # still waiting for a run with its arguments
    release_spares()
    assert children.live() == before


def test_history_git_cannot_list_is_a_clear_error_from_the_early_listing(
    tmp_path: Path, scan
) -> None:
    """Listed in a thread while the tree is read, a failure still reaches the caller."""
    repo = _repo(tmp_path)
    repo.commit("two", {"b.py": "x = 1\n"})
    first = repo.git("rev-parse", "HEAD~1")
    (repo.path / ".git" / "objects" / first[:2] / first[2:]).unlink()  # a commit is gone
    before = children.live()
    with pytest.raises(CheckError, match=r"^git rev-list --all: .*"):
        scan(repo.path)
    assert children.live() == before
