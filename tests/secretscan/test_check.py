"""End-to-end scans of real repositories built with git: scopes, history facts, edge cases."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from launchgate.checkapi import CheckError
from launchgate.findings import INTRODUCED_IN_RANGE, Severity
from launchgate.manifest import Manifest
from launchgate.redact import redact
from launchgate.secretscan.baseline import DEFAULT_BASELINE
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import aws_key_id, by_rule, github_token, rand, stripe_key

GH = "secrets.github-token"
AWS = "secrets.aws-access-key-id"


def secrets_of(result):
    return [f for f in result.findings if f.details.get("scope")]


def test_added_then_deleted_is_history_only_with_its_commit(repo: GitRepo, scan):
    token = github_token()
    sha = repo.commit("add config", {"app/config.py": f"x = 1\ny = 2\nTOKEN = '{token}'\n"})
    repo.commit("remove it", {"app/config.py": "x = 1\n"}, author="Bo Other <bo@example.com>")
    result = scan(repo.path)
    [f] = secrets_of(result)
    assert f.rule == GH
    assert f.location.path == "app/config.py"
    assert f.location.line == 3
    assert f.location.commit == sha
    assert f.details["scope"] == "history"
    assert f.details["in_tree"] is False
    assert f.details["author"] == "Ada Author"
    assert f.details["date"].startswith("2023-")
    assert f.severity is Severity.HIGH  # blocker rule, history-only: still must rotate
    assert "Rotate it anyway" in f.remediation
    assert token not in json.dumps(f.to_dict())
    assert redact(token) in f.message
    assert token in result._masked


def test_secret_still_in_tree_is_one_finding_with_its_origin(repo: GitRepo, scan):
    key = aws_key_id()
    first = repo.commit("one", {"settings.py": f"AWS = '{key}'\n"})
    for i in range(3):  # edits around it must not create more findings
        repo.commit(f"edit {i}", {"settings.py": f"# v{i}\n" * (i + 1) + f"AWS = '{key}'\n"})
    [f] = secrets_of(scan(repo.path))
    assert f.details["scope"] == "tree"
    assert f.details["in_tree"] is True
    assert f.details["commit"] == first
    assert f.location.line == 4
    assert f.severity is Severity.BLOCKER


def test_unmerged_branch_and_tag_only_commits_are_scanned(repo: GitRepo, scan):
    repo.commit("base", {"README.md": "hello\n"})
    repo.branch("feature")
    gh = github_token()
    repo.commit("wip", {"feature.py": f"GH = '{gh}'\n"})
    repo.checkout("main")
    repo.branch("tmp")
    sk = stripe_key()
    tagged = repo.commit("tagged", {"pay.py": f"stripe.api_key = '{sk}'\n"})
    repo.git("tag", "v1")
    repo.checkout("main")
    repo.git("branch", "-D", "tmp")
    found = {f.rule: f for f in secrets_of(scan(repo.path))}
    assert set(found) == {GH, "secrets.stripe-secret-key"}
    assert found["secrets.stripe-secret-key"].location.commit == tagged
    assert all(f.details["scope"] == "history" for f in found.values())


def test_secret_introduced_by_a_merge_resolution_is_found(repo: GitRepo, scan):
    repo.commit("base", {"conf.txt": "a\nb\nc\n"})
    repo.branch("side")
    repo.commit("side edit", {"conf.txt": "a\nSIDE\nc\n"})
    repo.checkout("main")
    repo.commit("main edit", {"conf.txt": "a\nMAIN\nc\n"})
    repo.merge("side")  # conflicts; resolve with a line neither parent had
    token = github_token()
    repo.write("conf.txt", f"a\nTOKEN={token}\nc\n")
    repo.git("add", "conf.txt")
    repo.git("commit", "-q", "--no-edit")
    merge = repo.head()
    [f] = secrets_of(scan(repo.path))
    assert f.details["commit"] == merge
    assert f.location.line == 2


def test_renamed_file_keeps_one_finding_at_the_new_path(repo: GitRepo, scan):
    key = aws_key_id()
    first = repo.commit("add", {"old/keys.py": f"K = '{key}'\n"})
    (repo.path / "new").mkdir()
    repo.git("mv", "old/keys.py", "new/keys.py")
    repo.commit("move")
    [f] = secrets_of(scan(repo.path))
    assert f.location.path == "new/keys.py"
    assert f.details["commit"] == first
    assert f.details["first_path"] == "old/keys.py"


def test_key_in_minified_bundle_is_a_blocker(repo: GitRepo, scan):
    repo.commit("src", {".gitignore": "dist/\n", "src/app.js": "export const x = 1;\n"})
    sk = stripe_key()
    filler = "function a(b){return b+1};" * 800  # one long minified line
    repo.write("dist/main.min.js", filler + f'var k="{sk}";' + filler)
    [f] = secrets_of(scan(repo.path))
    assert f.details["scope"] == "bundle"
    assert f.location.path == "dist/main.min.js"
    assert f.severity is Severity.BLOCKER
    assert f.location.line == 1


def test_service_account_json_reports_key_id_and_private_key(repo: GitRepo, scan):
    body = rand(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    doc = {
        "type": "service_account",
        "project_id": "acme-prod",
        "private_key_id": rand(40, "0123456789abcdef"),
        "private_key": "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n",
        "client_email": "deploy@acme-prod.iam.gserviceaccount.com",
    }
    repo.commit("sa", {"deploy/sa.json": json.dumps(doc, indent=2)})
    rules = {f.rule for f in secrets_of(scan(repo.path))}
    assert rules == {"secrets.gcp-service-account", "secrets.private-key"}


def test_two_pem_keys_in_one_file_are_two_findings(repo: GitRepo, scan):
    def pem() -> str:
        lines = [rand(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/") for _ in range(3)]
        return (
            "-----BEGIN RSA PRIVATE KEY-----\n"
            + "\n".join(lines)
            + "\n-----END RSA PRIVATE KEY-----\n"
        )

    repo.commit("keys", {"keys.pem": pem() + pem()})
    found = by_rule(scan(repo.path), "secrets.private-key")
    assert len(found) == 2
    assert [f.location.line for f in sorted(found, key=lambda f: f.location.line)] == [1, 6]


DECOYS = {
    "docs/aws.md": "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    ".env.example": "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\nDB_PASSWORD=changeme\n"
    "GITHUB_TOKEN=${GITHUB_TOKEN}\nOPENAI_API_KEY=sk-your-key-here\n",
    "package-lock.json": '{"integrity": "sha512-3Nqj5cTzr1pN0W9vVj8fC3sY2mQ3Lw0jMz9Ix4n0n2sQ+QcD3'
    'jN1RTU0x5Ajs/5A==", "token": "Zk3Lm9Pb4Hc6Jd1Fg0SaTq7Wx2Vy5"}\n',  # pragma: allowlist secret
    "src/ids.py": "request_id = 'b1571b57-ae5a-44df-8be0-f8a98c063341'\n"
    "commit_sha = 'e83c5163316f89bfbde7d9ab23ca2e25604af290'\n"
    "api_key = '00000000-0000-0000-0000-000000000000'\n",
    "src/keys.py": "PUBLIC = '-----BEGIN PUBLIC KEY-----'\n"
    "stripe_publishable = 'pk_live_51HqLyjWDarjtT1zdp7dcXa4b5f6g7h8i9j0k'\n"
    "icon = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk'\n",
    "tests/vectors.py": "JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'\n",
    "src/auth.py": "password = os.environ['DB_PASSWORD']\ntoken = request.headers.get('X-Token')\n"
    "def check(password, confirm_password):\n    return password == confirm_password\n",
    "docker-compose.yml": "environment:\n  POSTGRES_PASSWORD: postgres\n"
    "  DATABASE_URL: postgres://postgres:postgres@db:5432/app\n",
}


def test_decoys_of_every_kind_are_not_findings(repo: GitRepo, scan):
    repo.commit("decoys", DECOYS)
    result = scan(repo.path)
    assert secrets_of(result) == [], [f.message for f in result.findings]


def test_inline_markers_and_nextline_marker(repo: GitRepo, scan):
    a, b, c, d = github_token(), github_token(), github_token(), github_token()
    repo.commit(
        "markers",
        {
            "a.py": f"T = '{a}'  # pragma: allowlist secret\n",
            "d.py": f"T = '{d}'  # pragma: allowlist-secret\n",
            "b.go": f't := "{b}" // gitleaks:allow\n',
            "c.py": f"# pragma: allowlist nextline secret\nT = '{c}'\n",
        },
    )
    result = scan(repo.path)
    assert secrets_of(result) == []
    assert "allowed by inline markers" in result.summary


def test_baseline_survives_edits_but_not_new_secrets(repo: GitRepo, scan):
    old = github_token()
    repo.commit("old", {"app.py": f"T = '{old}'\n"})
    written = scan(repo.path, write_baseline=True)
    assert written.findings == ()
    assert DEFAULT_BASELINE in written.summary
    baseline = json.loads((repo.path / DEFAULT_BASELINE).read_text())
    assert baseline["entries"][0]["path"] == "app.py"
    assert "line" not in baseline["entries"][0]
    assert old not in (repo.path / DEFAULT_BASELINE).read_text()
    repo.commit("edits", {"app.py": f"# header\n\nT = '{old}'\n"})  # the secret moved lines
    assert secrets_of(scan(repo.path)) == []
    new = github_token()
    repo.commit("new", {"app.py": f"# header\n\nT = '{new}'\n"})  # new secret, same line
    [f] = secrets_of(scan(repo.path))
    assert redact(new) in f.message


def test_detect_secrets_baseline_is_honoured(repo: GitRepo, scan):
    import hashlib

    key = aws_key_id()
    repo.commit("k", {"k.py": f"K = '{key}'\n"})
    sha1 = hashlib.sha1(key.encode()).hexdigest()
    ds = {
        "version": "1.5.0",
        "plugins_used": [],
        "filters_used": [],
        "results": {
            "k.py": [
                {
                    "type": "AWS Access Key",
                    "filename": "k.py",
                    "hashed_secret": sha1,
                    "is_verified": False,
                    "line_number": 1,
                }
            ]
        },
    }
    (repo.path / ".secrets.baseline").write_text(json.dumps(ds))
    assert secrets_of(scan(repo.path)) == []
    ds["results"]["k.py"][0]["is_secret"] = True  # audited as real: not accepted
    (repo.path / ".secrets.baseline").write_text(json.dumps(ds))
    assert len(secrets_of(scan(repo.path))) == 1


def test_since_range_scans_only_new_commits_plus_tree(repo: GitRepo, scan):
    old = github_token()
    repo.commit("old", {"a.py": f"T = '{old}'\n"})
    base = repo.commit("drop", {"a.py": "x\n"})
    new = aws_key_id()
    repo.commit("pr", {"b.py": f"K = '{new}'\nK = 'x'\n"})
    head = repo.commit("pr fix", {"b.py": "K = 'x'\n"})
    result = scan(repo.path, since=f"{base}..{head}")
    assert [f.rule for f in secrets_of(result)] == [AWS]
    assert "range" in result.summary
    assert [f.rule for f in secrets_of(scan(repo.path, since=base))] == [AWS]


def test_since_unknown_revision_is_a_clear_error(repo: GitRepo, scan):
    repo.commit("one", {"a": "a\n"})
    with pytest.raises(CheckError, match="not a commit"):
        scan(repo.path, since="deadbeef..HEAD")


def test_no_history_flag_and_manifest_history_false(repo: GitRepo, scan):
    repo.commit("one", {"a.py": f"T = '{github_token()}'\n"})
    repo.commit("two", {"a.py": "x\n"})
    assert secrets_of(scan(repo.path, history=False)) == []
    assert secrets_of(scan(repo.path, {"secrets": {"history": False}})) == []
    assert len(secrets_of(scan(repo.path))) == 1


def test_untracked_not_ignored_files_are_scanned_ignored_are_not(repo: GitRepo, scan):
    repo.commit("ignore", {".gitignore": "secret.local\n"})
    repo.write("new.env", f"GITHUB_TOKEN={github_token()}\n")
    repo.write("secret.local", f"GITHUB_TOKEN={github_token()}\n")
    [f] = secrets_of(scan(repo.path))
    assert f.location.path == "new.env"
    assert f.details["scope"] == "tree"
    assert "commit" not in f.details


def test_exclude_globs(repo: GitRepo, scan):
    repo.commit("v", {"vendor/lib.py": f"T = '{github_token()}'\n"})
    assert secrets_of(scan(repo.path, {"secrets": {"exclude": ["vendor/**"]}})) == []


def test_binary_huge_and_non_utf8(repo: GitRepo, scan):
    token = github_token()
    repo.commit(
        "odd files",
        {
            "logo.png": b"\x89PNG\r\n\x1a\n\0\0" + f"T={token}".encode(),
            "big.txt": "x" * 5000 + "\n",
            "latin1.py": "# caf\xe9\n".encode("latin-1") + f"T = '{token}'\n".encode(),
        },
    )
    repo.write(b"caf\xe9-\xff.cfg", f"TOKEN={github_token()}\n".encode())
    repo.commit("odd name")
    result = scan(repo.path, {"secrets": {"max_file_bytes": 4096}})
    paths = sorted(f.location.path for f in secrets_of(result))
    assert paths == ["caf\\xe9-\\xff.cfg", "latin1.py"]
    assert [f.location.path for f in by_rule(result, "secrets.file-too-large")] == ["big.txt"]
    assert "binary files skipped" in result.summary
    json.dumps([f.to_dict() for f in result.findings])  # every path is printable


def test_empty_repository_and_not_a_repository(tmp_path: Path, scan):
    empty = GitRepo(tmp_path / "empty")
    empty.write("notes.txt", f"token: {github_token()}\n")
    result = scan(empty.path)
    assert "no commits yet" in result.summary
    assert len(secrets_of(result)) == 1
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "x.env").write_text(f"GITHUB_TOKEN={github_token()}\n")
    with pytest.raises(CheckError, match=r"not a git repository.*--no-history"):
        scan(plain)
    assert len(secrets_of(scan(plain, history=False))) == 1
    with pytest.raises(CheckError, match="no such directory"):
        scan(tmp_path / "missing")


def test_shallow_clone_says_so_and_how_to_fix(repo: GitRepo, tmp_path: Path, scan):
    repo.commit("one", {"a.py": f"T = '{github_token()}'\n"})
    repo.commit("two", {"a.py": "x\n"})
    repo.commit("three", {"b.py": "y\n"})
    shallow = repo.clone(tmp_path / "shallow", "--depth=1")
    result = scan(shallow.path)
    [note] = by_rule(result, "secrets.shallow-clone")
    assert "fetch-depth: 0" in note.remediation
    assert secrets_of(result) == []  # the secret lies beyond the clone depth: honestly missed


def test_partial_clone_skips_and_counts_missing_objects(repo: GitRepo, tmp_path: Path, scan):
    repo.git("config", "uploadpack.allowFilter", "true")
    repo.commit("one", {"a.py": f"T = '{github_token()}'\n"})
    repo.commit("two", {"a.py": "x\n"})
    partial = repo.clone(tmp_path / "partial", "--filter=blob:none", "--no-checkout")
    partial.git("checkout", "-q", "main")
    result = scan(partial.path)
    [note] = by_rule(result, "secrets.history-incomplete")
    assert note.severity is Severity.HIGH
    assert note.message.startswith("2 of 2 commit(s) (100%) not scanned, 1 object(s) missing")
    assert "not scanned" in result.summary


def test_submodule_is_not_followed_and_noted(repo: GitRepo, tmp_path: Path, scan):
    inner = GitRepo(tmp_path / "inner")
    inner.commit("inner", {"k.py": f"T = '{github_token()}'\n"})
    repo.commit("base", {"a": "a\n"})
    repo.git(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.path.as_uri(), "lib"
    )
    repo.commit("add submodule")
    result = scan(repo.path)
    assert secrets_of(result) == []
    assert "submodule(s) not followed" in result.summary


def test_parallel_history_matches_in_process(repo: GitRepo):
    from launchgate.secretscan.detector import Detector
    from launchgate.secretscan.gitrepo import list_commits
    from launchgate.secretscan.history import scan_history
    from launchgate.secretscan.rules import load_rules

    for i in range(120):
        body = "\n".join(f"line {i} {j}" for j in range(5))
        if i % 20 == 0:
            body += f"\nT{i} = '{github_token()}'"
        repo.commit(f"c{i}", {f"f{i % 7}.py": body + "\n"})
    commits = list_commits(repo.path, ["--all"])
    detector = Detector(load_rules())
    one = scan_history(repo.path, commits, detector, workers=1)
    two = scan_history(repo.path, commits, detector, workers=2)
    key = lambda h: (h.commit, h.path, h.line, h.rule, h.value)  # noqa: E731
    assert sorted(map(key, one.hits)) == sorted(map(key, two.hits))
    assert len(one.hits) == 6
    assert one.added_lines == two.added_lines


def test_registered_in_builtin_registry():
    from launchgate.registry import load_builtin_checks

    assert "secrets" in load_builtin_checks()


def test_git_log_config_of_the_user_does_not_break_parsing(repo: GitRepo, scan):
    for key, value in [
        ("diff.noprefix", "true"),
        ("log.showSignature", "false"),
        ("diff.mnemonicPrefix", "true"),
        ("core.quotePath", "false"),
    ]:
        repo.git("config", key, value)
    repo.commit("a", {"dir with space/ü.py": f"T = '{github_token()}'\n"})
    repo.commit("b", {"dir with space/ü.py": "x\n"})
    [f] = secrets_of(scan(repo.path))
    assert f.location.path == "dir with space/ü.py"


def test_subprocess_git_available():
    assert subprocess.run(["git", "--version"], capture_output=True, check=True).returncode == 0


USER_PACK = """\
kind: secrets
rules:
  - id: secrets.acme-deploy-token
    title: ACME deploy token
    regex: '\\b(?P<secret>acme_dt_[A-Za-z0-9]{{32}})\\b'
    keywords: [acme_dt_]
    severity: blocker
    remediation: Revoke it in the ACME console.
    examples:
      positive: ['ACME_TOKEN=acme_dt_{good}']
      negative: ['ACME_TOKEN={negative}']
"""


def _pack_repo(repo: GitRepo, negative: str) -> None:
    good = rand(32)
    pack = USER_PACK.format(good=good, negative=negative)
    repo.commit("pack", {"rules/acme.yml": pack, "deploy.py": f'T = "acme_dt_{rand(32)}"\n'})


def test_user_pack_detects_and_its_own_file_is_not_scanned(repo: GitRepo, scan) -> None:
    _pack_repo(repo, negative="acme_dt_" + "x" * 32)
    result = scan(repo.path, {"rules": {"packs": ["rules/acme.yml"]}})
    hits = [f for f in result.findings if f.rule == "secrets.acme-deploy-token"]
    assert [f.location.path for f in hits] == ["deploy.py"]


def test_user_pack_whose_examples_fail_is_refused_without_showing_them(repo: GitRepo, scan) -> None:
    bad_negative = "acme_dt_" + rand(32)  # the rule flags it: the pack contradicts itself
    _pack_repo(repo, negative=bad_negative)
    with pytest.raises(CheckError, match="negative example #1 is flagged") as caught:
        scan(repo.path, {"rules": {"packs": ["rules/acme.yml"]}})
    assert bad_negative not in str(caught.value)


def test_rule_catalogue_describes_builtin_and_user_rules(repo: GitRepo) -> None:
    from launchgate.secretscan.check import SPEC

    _pack_repo(repo, negative="nothing here")
    manifest = Manifest(
        path=repo.path / "launchready.yml",
        data={"version": 1, "rules": {"packs": ["rules/acme.yml"]}},
    )
    catalogue = {r.id: r for r in SPEC.rules(manifest)}
    assert catalogue["secrets.acme-deploy-token"].title == "ACME deploy token"
    assert catalogue["secrets.github-token"].remediation


def test_rewriting_an_unchanged_baseline_changes_nothing(tmp_path: Path) -> None:
    """No timestamp and a fixed order: the same accepted secrets always give the same bytes."""
    import re

    from launchgate.secretscan.baseline import write_baseline

    keys = [("b.env", "secrets.github-token", "f" * 64), ("a.env", "secrets.aws", "0" * 64)]
    write_baseline(tmp_path / "one.json", keys)
    write_baseline(tmp_path / "two.json", list(reversed(keys)))
    text = (tmp_path / "one.json").read_text()
    assert text == (tmp_path / "two.json").read_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", text)


def test_a_history_finding_says_why_it_is_high_not_blocker(repo: GitRepo, scan):
    token = github_token()
    repo.commit("add", {"app/config.py": f"TOKEN = '{token}'\n"})
    repo.commit("remove", {"app/config.py": "x = 1\n"})
    [f] = secrets_of(scan(repo.path))
    assert f.severity is Severity.HIGH
    assert f.message.endswith(
        "Severity high, not the rule's blocker: it is no longer in the tree "
        "(deleted since, or only on another branch or tag)."
    )


def test_a_range_scan_marks_what_its_commits_introduced(repo: GitRepo, scan):
    old_key, new_token = aws_key_id(), github_token()
    base = repo.commit("before the PR", {"old.py": f"AWS = '{old_key}'\n"})
    head = repo.commit("the PR", {"new.py": f"TOKEN = '{new_token}'\n"})
    found = {f.location.path: f for f in secrets_of(scan(repo.path, since=f"{base}..{head}"))}
    assert found["new.py"].details[INTRODUCED_IN_RANGE] is True
    assert found["old.py"].details[INTRODUCED_IN_RANGE] is False
    assert all(INTRODUCED_IN_RANGE not in f.details for f in secrets_of(scan(repo.path)))


def test_every_stash_entry_is_scanned_not_only_the_newest(repo: GitRepo, scan):
    repo.commit("base", {"app.py": "x = 1\n", "lib.py": "y = 1\n"})
    old, new = github_token(), github_token()
    repo.write("app.py", f"x = 1\nTOKEN = '{old}'\n")
    repo.git("stash", "push", "-q", "-m", "older")
    repo.write("lib.py", f"y = 1\nTOKEN = '{new}'\n")
    repo.git("stash", "push", "-q", "-m", "newer")
    result = scan(repo.path)
    found = {(f.location.path, f.details["redacted"]) for f in by_rule(result, GH)}
    assert found == {("app.py", redact(old)), ("lib.py", redact(new))}
