"""The folder of committed credential files: every planted line found, every decoy file clean."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from launchgate.findings import CheckResult, Severity
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import git_env, list_commits
from launchgate.secretscan.gitwalk import BatchResult, PatchScanner, _log_args
from launchgate.secretscan.pathglobs import header_literal
from launchgate.secretscan.rules import load_rules
from tests.fixtures.credential_files import build
from tests.fixtures.gitrepo import GitRepo

CORPUS = build(seed=3)


@pytest.fixture
def scanned(repo: GitRepo, scan: Callable[..., CheckResult]) -> CheckResult:
    repo.commit("credentials", dict(CORPUS.files))
    return scan(repo.path, history=False)


def _located(result: CheckResult) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for f in result.findings:
        if f.location.path and f.location.line and f.severity is not Severity.INFO:
            out.setdefault(f.location.path, {})[f.location.line] = f.rule
    return out


def test_every_credential_line_is_found_and_no_decoy_file_is_flagged(scanned: CheckResult):
    found = _located(scanned)
    missed = {p: sorted(lines - set(found.get(p, {}))) for p, lines in CORPUS.planted.items()}
    assert {p: m for p, m in missed.items() if m} == {}
    assert {p: found[p] for p in CORPUS.clean if p in found} == {}
    extra = {p: set(found[p]) - CORPUS.planted[p] for p in CORPUS.planted if p in found}
    assert {p: e for p, e in extra.items() if e} == {}


@pytest.mark.parametrize(
    ("path", "rule", "severity"),
    [
        (".git-credentials", "secrets.git-credentials", Severity.BLOCKER),
        (".pgpass", "secrets.pgpass", Severity.BLOCKER),
        (".netrc", "secrets.netrc-password", Severity.BLOCKER),
        ("config/master.key", "secrets.rails-master-key", Severity.BLOCKER),
        ("keys/deploy.ppk", "secrets.putty-private-key", Severity.BLOCKER),
        (".docker/config.json", "secrets.docker-config-auth", Severity.BLOCKER),
        ("deploy/.htpasswd", "secrets.password-hash-file", Severity.HIGH),
        ("wp-config.php", "secrets.config-php-define", Severity.HIGH),
        ("conf/tomcat-users.xml", "secrets.config-server-password", Severity.HIGH),
        ("db/backup.sql", "secrets.sql-dump-password-hash", Severity.MEDIUM),
    ],
)
def test_severity_follows_the_files_role(scanned: CheckResult, path: str, rule: str, severity):
    mine = [f for f in scanned.findings if f.location.path == path]
    assert mine and {f.rule for f in mine} == {rule}
    assert {f.severity for f in mine} == {severity}


def test_values_are_masked_and_never_in_messages(scanned: CheckResult):
    masked = scanned._masked  # type: ignore[attr-defined]
    planted = CORPUS.files["config/master.key"].strip()
    assert planted in masked
    assert all(planted not in f.message for f in scanned.findings)


def test_a_deleted_credential_file_is_found_in_history(
    repo: GitRepo, scan: Callable[..., CheckResult]
):
    """Path-scoped rules apply to what history added to that path, not only to the tree."""
    creds = CORPUS.files[".git-credentials"]
    first = repo.commit("oops", {".git-credentials": creds, "app.py": "print('hi')\n"})
    repo.commit("remove it", delete=(".git-credentials",))
    found = [f for f in scan(repo.path).findings if f.rule == "secrets.git-credentials"]
    assert {(f.location.line, f.details["scope"], f.location.commit) for f in found} == {
        (1, "history", first),
        (2, "history", first),
    }
    assert {f.severity for f in found} == {Severity.HIGH}  # history: rotate, high by default


def _whole_file_history(repo: GitRepo) -> list[str]:
    files = {
        ".pgpass": CORPUS.files[".pgpass"],
        "config/master.key": CORPUS.files["config/master.key"],
    }
    repo.commit("start", {"app.py": "print('hi')\n"})
    first = repo.commit("oops", {**files, "app.py": "print('password')\n"})
    repo.commit("remove", delete=tuple(files))
    return [first]


def test_deleted_files_read_whole_are_found_in_history(
    repo: GitRepo, scan: Callable[..., CheckResult]
):
    """.pgpass and master.key have no keyword: history finds them by their diff headers."""
    (first,) = _whole_file_history(repo)
    found = {
        (f.rule, f.location.path, f.location.line, f.location.commit)
        for f in scan(repo.path).findings
        if f.details.get("scope") == "history"
    }
    assert found == {
        ("secrets.pgpass", ".pgpass", 2, first),
        ("secrets.pgpass", ".pgpass", 3, first),
        ("secrets.rails-master-key", "config/master.key", 1, first),
    }


def test_a_whole_file_section_split_across_buffers_gives_the_same_hits(repo: GitRepo):
    _whole_file_history(repo)
    commits = list_commits(repo.path, ["--all"])
    stdin = "".join(f"{c}\n" for c in commits).encode()
    patch = subprocess.run(
        _log_args(None), cwd=repo.path, env=git_env(), input=stdin, capture_output=True, check=True
    ).stdout
    detector = Detector(load_rules())
    whole, pieces = BatchResult(), BatchResult()
    PatchScanner(detector, whole).feed(patch)
    # Cut between the two added lines of .pgpass: the second buffer starts inside its section.
    cut = patch.index(b"\n+*:*:*:replicator:") + 1
    split = PatchScanner(detector, pieces)
    split.feed(patch[:cut])
    split.feed(patch[cut:])
    assert [(h.path, h.line, h.rule) for h in whole.hits] == [
        (h.path, h.line, h.rule) for h in pieces.hits
    ]
    assert (
        len([h for h in whole.hits if h.rule in ("secrets.pgpass", "secrets.rails-master-key")])
        == 3
    )


@pytest.mark.parametrize(
    ("glob", "literal"),
    [
        ("**/.pgpass", "/.pgpass"),
        ("**/shadow", "/shadow"),
        ("**/*.htpasswd", ".htpasswd"),
        ("**/config/credentials/*.key", "config/credentials/"),
        ("**/WinSCP.ini", "/winscp.ini"),
    ],
)
def test_header_literal(glob: str, literal: str):
    assert header_literal(glob) == literal
