"""History git cannot read (partial clones, deleted objects) is a high finding, never clean."""

from __future__ import annotations

from pathlib import Path

from launchgate.findings import Severity
from launchgate.secretscan.gitrepo import count_missing_objects, promisor_remote
from launchgate.secretscan.unreadable import (
    Unreadable,
    how_much,
    remediation,
    unreadable_finding,
)
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import by_rule, github_token


def test_how_much_counts_commits_share_and_objects() -> None:
    u = Unreadable(3, 12, 7, partial=True, first="abc", reason="fatal: x")
    assert how_much(u) == "3 of 12 commit(s) (25%) not scanned, 7 object(s) missing"
    assert how_much(Unreadable(1, 1, 0, False, "a", "r")) == "1 of 1 commit(s) (100%) not scanned"


def test_finding_is_high_and_says_how_to_fix_each_cause() -> None:
    partial = unreadable_finding(Unreadable(2, 4, 5, True, "c0ffee", "fatal: could not fetch"))
    assert partial.severity is Severity.HIGH
    assert partial.rule == "secrets.history-incomplete"
    assert partial.location.commit == "c0ffee"
    assert partial.message.startswith("2 of 4 commit(s) (50%) not scanned, 5 object(s) missing")
    assert "partial clone" in partial.message and "fatal: could not fetch" in partial.message
    assert "fetch-depth: 0" in partial.remediation and "`filter:`" in partial.remediation
    assert partial.details["missing_objects"] == 5
    damaged = unreadable_finding(Unreadable(1, 4, 1, False, "c0ffee", "fatal: bad object"))
    assert "missing or corrupt objects" in damaged.message
    assert "git fsck" in damaged.remediation and "git fsck" not in remediation(True)


def _history(repo: GitRepo) -> None:
    repo.git("config", "uploadpack.allowFilter", "true")
    repo.commit("one", {"a.py": f"T = '{github_token()}'\n"})
    repo.commit("two", {"a.py": "x = 1\n"})
    repo.commit("three", {"b.py": "y = 2\n"})


def test_blobless_clone_is_a_high_finding_and_fetches_nothing(
    repo: GitRepo, tmp_path: Path, scan
) -> None:
    _history(repo)
    partial = repo.clone(tmp_path / "partial", "--filter=blob:none", "--no-checkout")
    assert promisor_remote(partial.path) == "origin"
    missing_before = count_missing_objects(partial.path, ["--all"], "origin")
    assert missing_before >= 3
    result = scan(partial.path)
    [finding] = by_rule(result, "secrets.history-incomplete")
    assert finding.severity is Severity.HIGH
    assert finding.message.startswith(
        f"3 of 3 commit(s) (100%) not scanned, {missing_before} object(s) missing"
    )
    assert finding.details["partial_clone"] is True
    assert "fetch-depth: 0" in finding.remediation
    assert "3 of 3 commit(s) (100%) not scanned" in result.summary
    # The scan never fetched what the clone left on the remote.
    assert count_missing_objects(partial.path, ["--all"], "origin") == missing_before


def test_deleted_object_is_a_high_finding_with_the_fsck_fix(repo: GitRepo, scan) -> None:
    _history(repo)
    blob = repo.git("rev-parse", "HEAD~1:a.py")  # "x = 1": only commit two needs it
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    assert promisor_remote(repo.path) is None
    result = scan(repo.path, history=True)
    [finding] = by_rule(result, "secrets.history-incomplete")
    assert finding.severity is Severity.HIGH
    assert finding.message.startswith("1 of 3 commit(s) (33%) not scanned, 1 object(s) missing")
    assert finding.details["partial_clone"] is False
    assert "git fsck" in finding.remediation
    # The readable commits were still scanned: the token of commit one is found.
    assert any(f.rule == "secrets.github-token" for f in result.findings)
