"""History's per-file cap, at a small scale (the cap lowered to 1,024 bytes, the schema's least):
every version of a file over it is left out of git's patches and named, and nothing else is lost.
The full-size shapes (100 MB, 100,000 files) are in tests/adversarial and benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from launchgate.findings import CheckResult
from launchgate.secretscan.bigblobs import BigFile, BigPlan, literal_excludes, plan_big_files
from launchgate.secretscan.coverage import oversized, too_large_finding
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import by_rule, github_token

CAP = {"secrets": {"max_file_bytes": 1024}}
FILLER = "z" * 2000 + "\n"  # past the cap


def test_a_big_file_deleted_since_is_named_in_history_and_nothing_else_is_lost(
    repo: GitRepo, scan: Callable[..., CheckResult]
) -> None:
    hidden, small, later = github_token(), github_token(), github_token()
    big = repo.commit(
        "dump",
        {"dump.sql": f"t={hidden}\n" + FILLER, "app.env": f"TOKEN={small}\n"},
    )
    repo.commit("drop", {"app.env": f"TOKEN={later}\n"}, delete=("dump.sql",))
    result = scan(repo.path, CAP)
    found = {f.location.path: f for f in by_rule(result, "secrets.github-token")}
    assert set(found) == {"app.env"}  # the small file beside it, in the same commit, is read
    assert len(by_rule(result, "secrets.github-token")) == 2  # its two versions
    (note,) = by_rule(result, "secrets.file-too-large")
    assert note.location.path == "dump.sql"
    assert note.details == {
        "not_scanned_in": ["history"],
        "bytes": len(f"t={hidden}\n") + len(FILLER),
        "commits": [big],
    }
    assert f"added in {big[:12]})" in note.message
    assert hidden not in repr(result)


def test_the_same_path_small_in_one_commit_and_big_in_another_is_read_where_small(
    repo: GitRepo, scan: Callable[..., CheckResult]
) -> None:
    """Paths are left out per commit: a file once small, then big, then small again is read in
    both small versions; the one that replaced the big version is read whole, by its id."""
    first, second, third = github_token(), github_token(), github_token()
    one = repo.commit("small", {"conf.txt": f"a={first}\n"})
    repo.commit("big", {"conf.txt": f"a={first}\nb={second}\n" + FILLER})
    three = repo.commit("small again", {"conf.txt": f"c={third}\n"})
    result = scan(repo.path, CAP)
    found = by_rule(result, "secrets.github-token")
    commits = {f.details.get("commit") for f in found}
    assert commits == {one, three}
    assert second not in repr(result)
    (note,) = by_rule(result, "secrets.file-too-large")
    assert note.details["not_scanned_in"] == ["history"]


def test_names_git_would_read_as_globs_are_left_out_literally(
    repo: GitRepo, scan: Callable[..., CheckResult]
) -> None:
    """``a*.txt`` over the cap is left out; ``ab.txt`` (which the glob would match) is not."""
    token = github_token()
    repo.commit("odd", {"a*.txt": FILLER, "ab.txt": f"t={token}\n", "new\nline.txt": FILLER})
    result = scan(repo.path, CAP)
    assert [f.location.path for f in by_rule(result, "secrets.github-token")] == ["ab.txt"]
    named = sorted(f.location.path for f in by_rule(result, "secrets.file-too-large"))
    assert len(named) == 2
    assert named[0] == "a*.txt"
    assert named[1].startswith("new") and named[1].endswith("line.txt")
    assert "2 files over the size cap skipped" in result.summary


def test_a_big_file_merged_in_is_named_once_and_the_merge_is_still_read(
    repo: GitRepo, scan: Callable[..., CheckResult]
) -> None:
    token = github_token()
    repo.commit("base", {"README.md": "hello\n"})
    repo.branch("side")
    side = repo.commit("big on a side branch", {"blob.bin.txt": FILLER})
    repo.checkout("main")
    repo.commit("main moves", {"main.env": f"TOKEN={token}\n"})
    repo.merge("side")
    result = scan(repo.path, CAP)
    (note,) = by_rule(result, "secrets.file-too-large")
    assert note.details["commits"] == [side]  # the commit that added it, not the merge
    assert "1 version(s)" in note.message  # the merge brings the same blob: one version
    assert len(by_rule(result, "secrets.github-token")) == 1


def test_no_oversized_blob_means_no_plan_and_the_plan_groups_commits_by_paths(
    repo: GitRepo,
) -> None:
    repo.commit("small", {"a.txt": "a\n"})
    assert plan_big_files(repo.path, [repo.head()], 1024) == BigPlan()
    plan = BigPlan(skip={"c1": {"x", "y"}, "c2": {"y", "x"}, "c3": {"x"}})
    assert sorted(plan.groups()) == [(["c1", "c2"], ["x", "y"]), (["c3"], ["x"])]
    assert literal_excludes(["a*[b]"]) == [":(exclude,literal)a*[b]"]


def test_a_corrupt_object_does_not_break_the_size_listing(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit("one", {"a.txt": "a\n", "big.txt": FILLER})
    blob = repo.git("rev-parse", "HEAD:a.txt")
    loose = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"not zlib")
    plan = plan_big_files(repo.path, [repo.head()], 1024)
    assert [(b.path, b.size) for b in plan.too_large] == [("big.txt", len(FILLER))]


def test_staged_files_over_the_cap_are_named_and_a_file_shrunk_below_it_is_read_whole(
    repo: GitRepo, scan: Callable[..., CheckResult]
) -> None:
    """The pre-commit scope has the same cap: git never diffs a staged file over it."""
    hidden, shrunk, plain = github_token(), github_token(), github_token()
    repo.commit("big before", {"was_big.txt": FILLER})
    repo.write("dump.sql", f"t={hidden}\n" + FILLER)
    repo.write("was_big.txt", f"t={shrunk}\n")
    repo.write("app.env", f"TOKEN={plain}\n")
    repo.git("add", "-A")
    result = scan(repo.path, CAP, staged=True)
    found = sorted(f.location.path for f in by_rule(result, "secrets.github-token"))
    assert found == ["app.env", "was_big.txt"]
    (note,) = by_rule(result, "secrets.file-too-large")
    assert note.location.path == "dump.sql"
    assert note.details["not_scanned_in"] == ["staged changes"]
    assert note.severity.value == "medium"
    assert "1 files over the size cap skipped" in result.summary
    assert hidden not in repr(result)


def test_the_plan_names_each_oversized_version_and_what_each_commit_leaves_out(
    repo: GitRepo,
) -> None:
    c1 = repo.commit("add big", {"big.txt": FILLER, "a.txt": "a\n"})
    c2 = repo.commit("shrink it", {"big.txt": "small now\n"})
    c3 = repo.commit("another", {"big2.txt": FILLER + "more\n"})
    c4 = repo.commit("delete it", delete=("big2.txt",))
    plan = plan_big_files(repo.path, [c4, c3, c2, c1], 1024)
    assert [(b.commit, b.path, b.size) for b in plan.too_large] == [
        (c3, "big2.txt", len(FILLER) + 5),
        (c1, "big.txt", len(FILLER)),
    ]
    # the deletion is left out too: git would load the whole file to print its removed lines
    assert plan.skip == {c1: {"big.txt"}, c2: {"big.txt"}, c3: {"big2.txt"}, c4: {"big2.txt"}}
    assert list(plan.whole) == [(c2, "big.txt", repo.git("rev-parse", f"{c2}:big.txt"))]
    assert set(plan.metas) == {c1, c2, c3, c4}
    assert plan.metas[c1].author == "Ada Author"


def test_the_finding_names_three_commits_and_counts_the_rest() -> None:
    versions = [BigFile(str(i) * 40, "blob.txt", f"b{i}", 5000 + i) for i in range(4, 0, -1)]
    (big,) = oversized([("blob.txt", 6000)], [], versions)
    finding = too_large_finding(big)
    assert finding.message.startswith("blob.txt (6,000 bytes) is over the size cap")
    assert "not scanned in tree and history (4 version(s), added in " in finding.message
    assert f"{'1' * 12}, {'2' * 12}, {'3' * 12} and 1 more)" in finding.message
    assert finding.details == {
        "not_scanned_in": ["tree", "history"],
        "bytes": 6000,
        "commits": [str(i) * 40 for i in (1, 2, 3)],  # oldest first: git lists newest first
    }
    assert finding.severity.value == "medium"
    staged_version = BigFile("", "s.bin", "x", 9, "staged changes")
    staged = too_large_finding(oversized([], [], [staged_version])[0])
    assert "not scanned in staged changes." in staged.message
    assert "commits" not in staged.details


def test_workers_read_the_same_history_around_an_oversized_file(repo: GitRepo) -> None:
    """With workers, the commits that touch an oversized file are scanned by this process while
    the workers start: the same hits and the same named file as in one process."""
    from launchgate.secretscan.detector import Detector
    from launchgate.secretscan.gitrepo import list_commits
    from launchgate.secretscan.history import scan_history
    from launchgate.secretscan.rules import load_rules

    tokens = [github_token() for _ in range(4)]
    repo.commit("one", {"a.txt": f"a={tokens[0]}\n"})
    repo.commit("big", {"conf.txt": f"b={tokens[1]}\n" + FILLER, "c.txt": f"c={tokens[2]}\n"})
    repo.commit("small again", {"conf.txt": f"d={tokens[3]}\n"})
    commits = list_commits(repo.path, ["--all"])
    detector = Detector(load_rules())
    results = [
        scan_history(repo.path, commits, detector, workers=n, max_bytes=1024) for n in (1, 2)
    ]
    values = [sorted(h.value for h in r.hits) for r in results]
    assert values[0] == values[1] == sorted([tokens[0], tokens[2], tokens[3]])
    assert [[b.path for b in r.too_large] for r in results] == [["conf.txt"], ["conf.txt"]]


def test_a_tag_pointing_at_an_oversized_blob_is_named_not_read(
    repo: GitRepo, scan: Callable[..., CheckResult], tmp_path: Path
) -> None:
    hidden = github_token()
    repo.commit("one", {"a.txt": "a\n"})
    outside = tmp_path / "dump.sql"
    outside.write_text(f"t={hidden}\n" + FILLER)
    blob = repo.git("hash-object", "-w", str(outside))
    repo.git("tag", "-a", "data-dump", blob, "-m", "a blob kept by a tag")
    result = scan(repo.path, CAP)
    assert by_rule(result, "secrets.github-token") == []
    (note,) = by_rule(result, "secrets.file-too-large")
    assert note.location.path == "refs/tags/data-dump"
    assert note.details["not_scanned_in"] == ["tags"]
    assert hidden not in repr(result)
