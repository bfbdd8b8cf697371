"""History read as file versions finds what the patch scanner finds, in the same commits."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import list_commits
from launchgate.secretscan.history import HistoryResult, scan_history
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.versions import list_versions
from launchgate.secretscan.versionscan import scan_versions
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import aws_key_id, github_token, rand, stripe_key

DETECTOR = Detector(load_rules())
PGPASS_LINE = f"db.internal:5432:app:deploy:{rand(20)}\n"


@pytest.fixture(scope="module")
def shaped(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """Edits, a rename, a conflict resolved with a new secret, a secret removed and added back,
    UTF-16, a binary file, a file whose format a scoped rule knows (and the same text at a
    path it does not), an allowlisted lock file and a deletion."""
    repo = GitRepo(tmp_path_factory.mktemp("shaped") / "repo")
    kept, again = github_token(), stripe_key()
    repo.commit("start", {"app.py": f"TOKEN = '{kept}'\nx = 1\n", "README.md": "app\n"})
    repo.commit("edit", {"app.py": f"TOKEN = '{kept}'\nx = 2\n"})
    repo.git("mv", "app.py", "main.py")
    repo.commit("rename", {})
    repo.branch("feature")
    repo.checkout("feature")
    repo.commit("feature", {"conf.py": "mode = 'a'\n"})
    repo.checkout("main")
    repo.commit("main side", {"conf.py": "mode = 'b'\n"})
    repo.git("merge", "feature", "-m", "merge", check=False)  # conflicts on conf.py
    repo.write("conf.py", f"mode = 'b'\nAWS_ACCESS_KEY_ID = '{aws_key_id()}'\n")
    repo.git("add", "conf.py")
    repo.git("commit", "-m", "resolve with a new secret")
    repo.commit("drop", {"main.py": "x = 3\n"})
    repo.commit("back", {"main.py": f"x = 3\nKEY = '{again}'\n"})
    utf16 = f"API_TOKEN={github_token()}\r\n".encode("utf-16")
    repo.commit("binary", {"win.env": utf16, "logo.bin": bytes(range(256)) * 4})
    repo.commit("pgpass", {".pgpass": PGPASS_LINE, "docs/pgpass.txt": PGPASS_LINE})
    lock = '{"token": "Zk3Lm9Pb4Hc6Jd1Fg0SaTq7Wx2Vy5"}\n'  # pragma: allowlist secret
    repo.commit("lock", {"package-lock.json": lock, "notes.json": lock})
    repo.git("rm", "-q", "README.md")
    repo.commit("delete", {})
    return repo


def _oldest(result: HistoryResult, commits: list[str]) -> dict[tuple[str, str, str], str]:
    """(path, rule, value) -> the oldest commit it was found in (what a finding reports)."""
    order = {sha: i for i, sha in enumerate(commits)}
    out: dict[tuple[str, str, str], str] = {}
    for hit in result.hits:
        key = (hit.path, hit.rule, hit.value)
        if key not in out or order[hit.commit] > order[out[key]]:
            out[key] = hit.commit
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_versions_find_what_patches_find_in_the_same_commits(shaped: GitRepo, workers: int) -> None:
    commits = list_commits(shaped.path, ["--all"])
    patches = scan_history(shaped.path, commits, DETECTOR, workers=1)
    versions = scan_versions(shaped.path, commits, DETECTOR, workers=workers)
    assert versions is not None
    by_patch, by_version = _oldest(patches, commits), _oldest(versions, commits)
    assert len(by_patch) >= 6  # every shape above was found, so the comparison means something
    for key, commit in by_patch.items():
        assert by_version.get(key) == commit, key
    # The only extra: the renamed file's secret at its new name (the rename added that version).
    renamed = shaped.git("log", "--format=%H", "-1", "--grep", "^rename$")
    extra = {k: c for k, c in by_version.items() if k not in by_patch}
    assert {(k[0], c) for k, c in extra.items()} == {("main.py", renamed)}
    merge = shaped.git("log", "--format=%H", "-1", "--merges")
    (aws,) = [c for k, c in by_patch.items() if k[1] == "secrets.aws-access-key-id"]
    assert aws == merge  # a conflict resolved with a new secret: found in the merge itself
    rules = {k[1] for k in by_version}
    assert {"secrets.aws-access-key-id", "secrets.pgpass", "secrets.stripe-secret-key"} <= rules
    # A rule scoped to .pgpass reads it, not the same text elsewhere; the lock file's
    # allowlist applies to the lock file only.
    assert {k[0] for k in by_version if k[1] == "secrets.pgpass"} == {".pgpass"}
    assert {k[0] for k in by_version if k[2] == "Zk3Lm9Pb4Hc6Jd1Fg0SaTq7Wx2Vy5"} == {"notes.json"}
    assert versions.file_versions == len(list_versions(shaped.path, commits).added)
    assert versions.binary_files == 1  # logo.bin; the UTF-16 file was read as text


def test_the_listing_names_each_version_once_at_its_oldest_commit(shaped: GitRepo) -> None:
    commits = list_commits(shaped.path, ["--all"])
    listed = list_versions(shaped.path, commits)
    assert listed.failed is None
    assert len(listed.commits) == len(commits)
    readme = shaped.git("rev-parse", f"{commits[-1]}:README.md")
    (index,) = listed.added[readme].values()
    assert listed.meta(index).sha == commits[-1]  # the root commit added it; deleting adds none
    pgpass = shaped.git("rev-parse", "HEAD:.pgpass")
    assert set(listed.added[pgpass]) == {".pgpass", "docs/pgpass.txt"}  # one blob, two paths


def test_excluded_paths_and_oversized_versions_are_never_read(shaped: GitRepo) -> None:
    commits = list_commits(shaped.path, ["--all"])
    specs = [":(exclude,glob)**/conf.py"]
    result = scan_versions(shaped.path, commits, DETECTOR, pathspecs=specs, workers=1)
    assert result is not None
    assert not [h for h in result.hits if h.path == "conf.py"]
    capped = scan_versions(shaped.path, commits, DETECTOR, max_bytes=500, workers=1)
    assert capped is not None
    assert {b.path for b in capped.too_large} == {"logo.bin"}  # 1 KB: over a 500-byte cap
    assert all(b.commit in commits and b.size == 1024 for b in capped.too_large)


def test_a_failed_listing_leaves_the_scan_to_the_patch_scanner(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", {"a.py": f"T = '{github_token()}'\n"})
    tree = repo.git("rev-parse", "HEAD^{tree}")
    (repo.path / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    assert scan_versions(repo.path, [repo.head()], DETECTOR, workers=1) is None


def test_a_history_too_big_to_list_in_memory_is_read_as_patches(shaped: GitRepo) -> None:
    commits = list_commits(shaped.path, ["--all"])
    listed = list_versions(shaped.path, commits, limit=3)
    assert listed.failed == "more than 3 file versions: read as patches instead"
    assert len(listed.added) == 4  # it stopped at once, git with it
    assert scan_versions(shaped.path, commits, DETECTOR, listed=(listed, {})) is None
    assert list_versions(shaped.path, commits).failed is None  # the default limit is far off


def test_a_line_allowed_inline_counts_once_however_many_versions_keep_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    allowed = f"TOKEN = '{github_token()}'  # pragma: allowlist secret\n"
    for i in range(4):  # four versions of the file keep the same allowed line
        repo.commit(f"v{i}", {"app.py": f"{allowed}x = {i}\n"})
    commits = list_commits(repo.path, ["--all"])
    versions = scan_versions(repo.path, commits, DETECTOR, workers=1)
    assert versions is not None and not versions.hits
    assert versions.inline_suppressed == 1
    assert scan_history(repo.path, commits, DETECTOR, workers=1).inline_suppressed == 1
