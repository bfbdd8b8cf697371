"""The pre-commit scope (--staged), manifest excludes applied inside git, and armoured keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from launchgate.checkapi import CheckError
from launchgate.redact import redact
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitrepo import exclude_pathspecs, list_commits
from launchgate.secretscan.history import scan_history
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.tree import excluded, walk_files
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import aws_key_id, by_rule, github_token, rand, stripe_key

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def secrets_of(result):
    return [f for f in result.findings if f.details.get("scope")]


# ---------------------------------------------------------------- --staged


def test_staged_finds_only_lines_added_in_the_index(repo: GitRepo, scan):
    old = github_token()
    repo.commit("old", {"old.py": f"T = '{old}'\n", "app.py": "a = 1\nb = 2\n"})
    staged = aws_key_id()
    unstaged = stripe_key()
    repo.write("app.py", f"a = 1\nKEY = '{staged}'\nb = 2\n")
    repo.git("add", "app.py")
    repo.write("app.py", f"a = 1\nKEY = '{staged}'\nb = 2\nstripe = '{unstaged}'\n")  # not added
    repo.write("loose.py", f"T = '{github_token()}'\n")  # untracked, never staged
    result = scan(repo.path, staged=True)
    [f] = secrets_of(result)
    assert f.rule == "secrets.aws-access-key-id"
    assert (f.location.path, f.location.line) == ("app.py", 2)
    assert f.location.commit is None
    assert f.details["scope"] == "staged"
    assert f.title.endswith("in staged changes")
    assert "not committed yet" in f.remediation
    assert "scanned staged changes" in result.summary
    assert staged in result._masked


def test_staged_honours_inline_markers_baseline_and_excludes(repo: GitRepo, scan):
    repo.commit("base", {"README.md": "hi\n"})
    a, b, c, d = github_token(), github_token(), github_token(), github_token()
    repo.write("a.py", f"T = '{a}'  # pragma: allowlist secret\n")
    repo.write("b.py", f"# pragma: allowlist nextline secret\nT = '{b}'\n")
    repo.write("vendor/lib/c.py", f"T = '{c}'\n")
    repo.write("d.py", f"T = '{d}'\n")
    repo.git("add", "-A")
    manifest = {"secrets": {"exclude": ["vendor/"]}}
    [f] = secrets_of(scan(repo.path, manifest, staged=True))
    assert f.location.path == "d.py"
    written = scan(repo.path, manifest, staged=True, write_baseline=True)
    assert "wrote 1 accepted" in written.summary
    result = scan(repo.path, manifest, staged=True)
    assert secrets_of(result) == []
    assert "2 allowed by inline markers" in result.summary
    assert "1 accepted by the baseline" in result.summary


def test_staged_in_a_repository_without_commits_and_renames(tmp_path: Path, scan):
    fresh = GitRepo(tmp_path / "fresh")
    fresh.write("conf/.env", f"x=1\nGITHUB_TOKEN={github_token()}\n")
    fresh.git("add", "-A")
    [f] = secrets_of(scan(fresh.path, staged=True))
    assert (f.location.path, f.location.line) == ("conf/.env", 2)
    fresh.commit("first")
    fresh.git("mv", "conf/.env", "conf/prod.env")  # a pure rename adds no lines
    assert secrets_of(scan(fresh.path, staged=True)) == []


def test_staged_outside_a_repository_and_with_since_is_an_error(tmp_path: Path, scan):
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(CheckError, match="no index"):
        scan(plain, staged=True)
    repo = GitRepo(tmp_path / "r")
    repo.commit("one", {"a": "a\n"})
    with pytest.raises(CheckError, match="--since"):
        scan(repo.path, staged=True, since="HEAD")


def test_cli_staged_exit_codes_as_a_pre_commit_hook_runs_it(repo: GitRepo):
    repo.commit("old", {"old.py": f"T = '{github_token()}'\n"})  # committed: not our business
    hooks = yaml.safe_load((Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["id"] == "launchgate-secrets"]
    assert hook["pass_filenames"] is False
    program, *args = hook["entry"].split()
    assert program == "launchgate"
    assert "--staged" in args
    cmd = [sys.executable, "-m", "launchgate", *args]
    env = {**repo.env, "NO_COLOR": "1"}
    clean = subprocess.run(cmd, cwd=repo.path, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    token = github_token()
    repo.write("new.py", f"T = '{token}'\n")
    repo.git("add", "new.py")
    dirty = subprocess.run(cmd, cwd=repo.path, env=env, capture_output=True, text=True)
    assert dirty.returncode == 1
    assert "new.py" in dirty.stdout
    assert token not in dirty.stdout + dirty.stderr


# ---------------------------------------------------------------- exclude before scanning


def test_exclude_pathspecs_keep_git_from_reading_vendor_dirs(repo: GitRepo, scan):
    vendored = "\n".join(f"v{i} = {i}" for i in range(3000)) + f"\nT = '{github_token()}'\n"
    repo.commit(
        "vendor",
        {
            "vendor/big.py": vendored,
            "web/node_modules/pkg/index.js": f"k = '{github_token()}'\n",
            "app.py": "x = 1\n",
        },
    )
    repo.commit("drop", {"vendor/big.py": "x\n"})  # history-only in vendor: still excluded
    manifest = {"secrets": {"exclude": ["vendor/**", "node_modules"]}}
    result = scan(repo.path, manifest)
    assert secrets_of(result) == []
    assert "1 file versions" in result.summary  # only app.py was read
    found = secrets_of(scan(repo.path))
    assert sorted(f.location.path for f in found) == [
        "vendor/big.py",
        "web/node_modules/pkg/index.js",
    ]


def test_parallel_history_with_excludes_matches_in_process(repo: GitRepo):
    for i in range(60):
        files = {f"src/f{i % 5}.py": f"line {i}\n"}
        if i % 10 == 0:
            files[f"vendor/v{i}.py"] = f"T = '{github_token()}'\n"
            files[f"src/s{i}.py"] = f"T = '{github_token()}'\n"
        repo.commit(f"c{i}", files)
    commits = list_commits(repo.path, ["--all"])
    detector = Detector(load_rules())
    specs = exclude_pathspecs(["vendor"])
    one = scan_history(repo.path, commits, detector, workers=1, pathspecs=specs)
    two = scan_history(repo.path, commits, detector, workers=2, pathspecs=specs)
    assert sorted(h.path for h in one.hits) == sorted(h.path for h in two.hits)
    assert len(one.hits) == 6
    assert all(h.path.startswith("src/") for h in one.hits)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("vendor/**", "vendor/a/b.js", True),
        ("vendor/", "vendor/a/b.js", True),
        ("vendor", "vendor/a.js", True),
        ("node_modules", "web/node_modules/x/y.js", True),
        ("**/fixtures", "tests/fixtures/a.json", True),
        ("*.min.js", "static/app.min.js", True),
        ("docs/*.md", "docs/guide.md", True),
        ("vendor/**", "src/vendor.py", False),
        ("node_modules", "src/node_modules_helper.py", False),
        ("./build/", "build/out.js", True),
    ],
)
def test_exclude_semantics(pattern: str, path: str, expected: bool):
    assert excluded(path, [pattern]) is expected


def test_exclude_prunes_directories_when_walking_without_git(tmp_path: Path, scan):
    (tmp_path / "vendor" / "deep").mkdir(parents=True)
    (tmp_path / "vendor" / "deep" / "k.py").write_text(f"T = '{github_token()}'\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    assert walk_files(tmp_path, tmp_path, ["vendor"]) == ["app.py"]
    result = scan(tmp_path, {"secrets": {"exclude": ["vendor"]}}, history=False)
    assert secrets_of(result) == []


# ---------------------------------------------------------------- armoured private keys


def _armoured(kind: str, headers: list[str]) -> str:
    body = [rand(64, B64) for _ in range(4)]
    return "\n".join([f"-----BEGIN {kind}-----", *headers, "", *body, f"-----END {kind}-----", ""])


def test_pgp_and_encrypted_pem_keys_with_header_lines(repo: GitRepo, scan):
    pgp = _armoured("PGP PRIVATE KEY BLOCK", ["Version: GnuPG v2", "Comment: deploy key"])
    enc = _armoured(
        "RSA PRIVATE KEY", ["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,3F17" + "A" * 28]
    )
    repo.commit("keys", {"keys/deploy.asc": pgp, "keys/old.pem": enc, "README.md": "x\n"})
    repo.commit("drop", delete=("keys/old.pem",))
    found = by_rule(scan(repo.path), "secrets.private-key")
    got = sorted((f.location.path, f.location.line, f.details["scope"]) for f in found)
    assert got == [("keys/deploy.asc", 1, "tree"), ("keys/old.pem", 1, "history")]


def test_armour_header_without_a_body_is_not_a_key(repo: GitRepo, scan):
    code = 'HEADER = "-----BEGIN PGP PRIVATE KEY BLOCK-----"\nVERSION = "Version: GnuPG"\n\n\n'
    repo.commit("parser", {"pgp.py": code})
    assert secrets_of(scan(repo.path)) == []


def test_minified_line_secret_just_past_an_earlier_keyword_window(repo: GitRepo, scan):
    """A keyword ~1 KB before a token must not hide it (windows used to skip such hits)."""
    head = "var x='eyJ';"  # a keyword at 8: its window ends at 8 + 1024
    filler = "function a(b){return b+1};" * 38 + " " * 8
    token = github_token()
    line = head + filler + f'var k="{token}";' + filler * 20
    assert line.index(token) < 8 + 1024 < line.index(token) + len(token)
    repo.commit("bundle", {"public/app.min.js": line + "\n"})
    [f] = secrets_of(scan(repo.path))
    assert f.rule == "secrets.github-token"
    assert f.details["redacted"] == redact(token)


def test_paths_are_relative_to_the_scanned_directory_in_a_monorepo(tmp_path: Path) -> None:
    """Like every check, secrets reports paths from ctx.root, even though git works from the top."""
    import subprocess
    import sys

    repo = tmp_path / "mono"
    (repo / "site").mkdir(parents=True)
    (repo / "api").mkdir()
    token = "ghp_" + "Zr8kQ2mP4xW7nB1vC9tY6uH3jL5sD0fGa1b2"
    (repo / "site" / "deploy.sh").write_text(f"TOKEN={token}\n")
    (repo / "api" / "client.py").write_text(f'TOKEN = "{token}"\n')
    env = {
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "launchgate", "secrets", ".", "-f", "json"],
        cwd=repo / "site",
        capture_output=True,
        text=True,
        timeout=60,
    )
    import json

    paths = sorted(f["location"]["path"] for f in json.loads(done.stdout)["findings"])
    assert paths == ["../api/client.py", "deploy.sh"]


def test_a_mirror_clone_is_scanned_history_only(repo: GitRepo, scan, tmp_path: Path):
    """`git clone --mirror` is how whole remotes are audited: no work tree, every ref's history."""
    token = github_token()
    repo.commit("leak", {"deploy.env": f"TOKEN={token}\n"})
    repo.commit("remove", delete=("deploy.env",))
    mirror = tmp_path / "mirror.git"
    subprocess.run(
        ["git", "clone", "-q", "--mirror", str(repo.path), str(mirror)], check=True, env=repo.env
    )
    still = github_token()
    repo.commit("keep", {"app.py": f"T = '{still}'\n"})  # at the tip of the branch
    subprocess.run(
        ["git", "-C", str(mirror), "fetch", "-q", str(repo.path), "+refs/heads/*:refs/heads/*"],
        check=True,
        env=repo.env,
    )
    result = scan(mirror)
    scopes = {f.location.path: f.details["scope"] for f in by_rule(result, "secrets.github-token")}
    assert scopes == {"deploy.env": "history", "app.py": "tree"}  # app.py is in HEAD
    assert "bare repository" in result.summary
    with pytest.raises(CheckError, match="no index"):
        scan(mirror, staged=True)


KEYWORD_PATHS = [
    "config/secrets.yml",
    "client_secret.json",
    "credentials.json",
    "api_token.py",
    "settings/password.py",
    "tokens.txt",
]


def test_history_and_staged_find_secrets_in_files_named_like_keywords(repo: GitRepo, scan):
    """A file header such as '+++ b/config/secrets.yml' contains a keyword; it must not make the
    parser lose the file's path (and with it every line the file adds)."""
    keys = {path: aws_key_id() for path in KEYWORD_PATHS}
    repo.commit("leak", {p: f"aws_access_key_id: {k}\n" for p, k in keys.items()})
    repo.commit("remove", delete=tuple(KEYWORD_PATHS))
    history = scan(repo.path)
    found = {f.location.path for f in by_rule(history, "secrets.aws-access-key-id")}
    assert found == set(KEYWORD_PATHS)
    repo.write("config/secrets.yml", f"aws_access_key_id: {aws_key_id()}\n")
    repo.git("add", "config/secrets.yml")
    staged = scan(repo.path, staged=True)
    assert [f.location.path for f in by_rule(staged, "secrets.aws-access-key-id")] == [
        "config/secrets.yml"
    ]


def test_an_added_line_that_looks_like_a_header_is_still_content(repo: GitRepo, scan):
    token = github_token()
    repo.commit("base", {"notes.txt": "start\n"})
    repo.commit("add", {"notes.txt": f"start\n++ b/token={token}\n"})  # diff line: "+++ b/…"
    repo.commit("remove", delete=("notes.txt",))
    (finding,) = by_rule(scan(repo.path), "secrets.github-token")
    assert finding.location.path == "notes.txt"
    assert finding.details["scope"] == "history"


def test_a_file_over_the_cap_is_read_in_neither_tree_nor_history_and_said_once(repo: GitRepo, scan):
    """One cap for both scopes: history does not read what the tree skips (a 100 MB blob
    would cost its size), and the one finding names both places and how to scan it."""
    token = github_token()
    first = repo.commit("big", {"data/dump.sql": f"-- token {token}\n" + "x" * 3000 + "\n"})
    repo.commit("bigger", {"data/dump.sql": f"-- token {token}\n" + "y" * 4000 + "\n"})
    result = scan(repo.path, {"secrets": {"max_file_bytes": 1024}})
    assert by_rule(result, "secrets.github-token") == []
    (big,) = by_rule(result, "secrets.file-too-large")
    assert big.severity.value == "medium"
    assert big.location.path == "data/dump.sql"
    assert big.details["not_scanned_in"] == ["tree", "history"]
    assert big.details["bytes"] == len(f"-- token {token}\n") + 4001
    assert big.details["commits"][0] == first  # oldest first
    assert "history (2 version(s), added in" in big.message
    assert "raise secrets.max_file_bytes above 4,051 in launchready.yml" in big.remediation
    assert "1 files over the size cap skipped" in result.summary
    raised = scan(repo.path, {"secrets": {"max_file_bytes": 8192}})
    (finding,) = by_rule(raised, "secrets.github-token")
    assert finding.details["scope"] == "tree"
