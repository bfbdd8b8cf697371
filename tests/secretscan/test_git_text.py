"""Commit messages, tag annotations and blobs a tag points at are scanned."""

from __future__ import annotations

import subprocess

from launchgate.redact import redact
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import by_rule, github_token, stripe_key

GH = "secrets.github-token"


def test_a_token_in_a_commit_message_is_a_history_finding(repo: GitRepo, scan) -> None:
    token = github_token()
    repo.commit("base", {"app.py": "x = 1\n"})
    sha = repo.commit(f"ci: use the new token\n\nGITHUB_TOKEN={token} for the deploy job")
    result = scan(repo.path)
    [finding] = by_rule(result, GH)
    assert finding.details["scope"] == "history" and finding.details["commit"] == sha
    assert finding.location.path is None or finding.location.path == ""
    assert finding.location.line == 3
    assert f"line 3 of the message of commit {sha[:12]}" in finding.message
    assert finding.details["redacted"] == redact(token)
    assert token not in finding.message


def test_a_since_range_reads_the_messages_of_its_commits(repo: GitRepo, scan) -> None:
    base = repo.commit("base", {"app.py": "x = 1\n"})
    repo.commit(f"deploy with {github_token()}", {"app.py": "x = 2\n"})
    assert len(by_rule(scan(repo.path, since=f"{base}..HEAD"), GH)) == 1


def test_tag_annotation_and_tagged_blob_are_scanned(repo: GitRepo, scan) -> None:
    repo.commit("base", {"app.py": "x = 1\n"})
    token, key = github_token(), stripe_key()
    repo.git("tag", "-a", "v1.0", "-m", f"release\n\ntoken {token}")
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=repo.path,
            input=f"STRIPE_KEY={key}\n".encode(),
            capture_output=True,
            check=True,
            env=repo.env,
        )
        .stdout.decode()
        .strip()
    )
    repo.git("tag", "keys", blob)  # a lightweight tag straight at a blob: in no commit
    result = scan(repo.path)
    [annotation] = by_rule(result, GH)
    assert annotation.location.path == "refs/tags/v1.0" and annotation.location.line == 3
    [stored] = by_rule(result, "secrets.stripe-secret-key")
    assert stored.location.path == "refs/tags/keys"
    assert stored.details["redacted"] == redact(key)
