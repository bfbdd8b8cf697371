"""Promises of merging.py, pinned exactly from hand-made hits (no git): one finding per secret per
place, the oldest commit of a history place, the commit that introduced a value, history-only
secrets downgraded with the reason, unread files treated as still there, excluded paths dropped,
build output judged by what ships to clients."""

from __future__ import annotations

import hashlib
import itertools

import pytest

from launchgate.findings import INTRODUCED_IN_RANGE, Finding, Location, Severity, fingerprint_of
from launchgate.redact import redact, value_hash
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitwalk import CommitMeta, RawHit
from launchgate.secretscan.history import HistoryResult
from launchgate.secretscan.merging import Place, Seen, mark_range, merge_hits, secret_finding
from launchgate.secretscan.rules import load_rules
from launchgate.secretscan.tree import FileHit, TreeResult
from tests.secretscan.conftest import github_token, rand

BLOCKER = "secrets.github-token"
HIGH = "secrets.stripe-webhook-secret"
MEDIUM = "secrets.jwt"
LOW = "secrets.firebase-web-api-key"
HISTORY_WHY = "it is no longer in the tree (deleted since, or only on another branch or tag)"
TREE_TAIL = "rotating is what makes it harmless."


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_rules())


def meta(name: str, day: int) -> CommitMeta:
    sha = hashlib.sha1(name.encode()).hexdigest()
    return CommitMeta(
        sha, f"Dev {name}", f"{name}@example.test", f"2026-03-{day:02d}T09:30:00+02:00"
    )


# Newest first, as git rev-list lists them: a larger index is older.
NEW, MID, OLD = meta("new", 20), meta("mid", 10), meta("old", 2)
ORDER = {NEW.sha: 0, MID.sha: 1, OLD.sha: 2}


def history(*hits: RawHit, metas: tuple[CommitMeta, ...] = (NEW, MID, OLD)) -> HistoryResult:
    return HistoryResult(hits=list(hits), metas={m.sha: m for m in metas})


def raw(commit: CommitMeta, path: str, line: int, value: str, rule: str = BLOCKER) -> RawHit:
    return RawHit(commit.sha, path, line, 3, rule, value)


def tree(*hits: FileHit) -> TreeResult:
    return TreeResult(hits=list(hits))


def merge(
    detector: Detector,
    files: TreeResult | None = None,
    bundles: TreeResult | None = None,
    past: HistoryResult | None = None,
    exclude: tuple[str, ...] = (),
    unread: frozenset[str] = frozenset(),
) -> list[Finding]:
    findings, keys = merge_hits(
        files or tree(), bundles or tree(), past, ORDER, detector, exclude, set(unread)
    )
    # The keys (baseline, masking) are the findings' places and values, in the same order.
    assert [f.fingerprint for f in findings] == [
        fingerprint_of("secrets", p.rule, p.path, p.vhash) for p, _ in keys
    ]
    assert all(p.vhash == value_hash(v) for p, v in keys)
    # A finding carries its secret only redacted, in every field.
    assert all(v not in repr(f.to_dict()) for (_, v), f in zip(keys, findings, strict=True))
    return findings


def introduced(commit: CommitMeta) -> str:
    return f"; introduced in {commit.sha[:12]} by {commit.author} on {commit.date[:10]}"


def tree_remediation(detector: Detector, rule: str) -> str:
    return (
        f"{detector.rule(rule).remediation} Then remove it from the file; it stays in git "
        f"history, so {TREE_TAIL}"
    )


# ---------------------------------------------------------------- tree


def test_one_finding_per_secret_per_place_in_the_tree_counting_its_occurrences(detector):
    token, other = github_token(), github_token()
    files = tree(
        FileHit("a.py", 3, 5, BLOCKER, token),
        FileHit("a.py", 9, 1, BLOCKER, token),
        FileHit("b.py", 1, 2, BLOCKER, token),
        FileHit("a.py", 4, 7, BLOCKER, other),
        FileHit("a.py", 3, 5, HIGH, token),  # the same value read by another rule
        FileHit("a.py", 12, 1, BLOCKER, token),
    )
    findings, keys = merge_hits(files, tree(), None, {}, detector, (), set())
    assert keys == [
        (Place("a.py", BLOCKER, value_hash(token)), token),
        (Place("b.py", BLOCKER, value_hash(token)), token),
        (Place("a.py", BLOCKER, value_hash(other)), other),
        (Place("a.py", HIGH, value_hash(token)), token),
    ]
    first = findings[0]
    rule = detector.rule(BLOCKER)
    assert first == Finding(
        check="secrets",
        rule=BLOCKER,
        severity=Severity.BLOCKER,
        title=f"{rule.title} in tree",
        message=f"{rule.title} {redact(token)} in a.py:3.",
        location=Location(path="a.py", line=3, column=5),
        remediation=tree_remediation(detector, BLOCKER),
        fingerprint=fingerprint_of("secrets", BLOCKER, "a.py", value_hash(token)),
    )
    assert first.message == f"{rule.title} {redact(token)} in a.py:3."
    assert first.details == {
        "scope": "tree",
        "in_tree": True,
        "redacted": redact(token),
        "occurrences": 3,
    }
    assert [(f.location.path, f.location.line, f.location.column) for f in findings] == [
        ("a.py", 3, 5),
        ("b.py", 1, 2),
        ("a.py", 4, 7),
        ("a.py", 3, 5),
    ]
    assert [f.details["occurrences"] for f in findings] == [3, 1, 1, 1]
    assert [f.severity for f in findings] == [Severity.BLOCKER] * 3 + [Severity.HIGH]
    assert findings[3].message == f"{detector.rule(HIGH).title} {redact(token)} in a.py:3."
    assert token not in repr([f.to_dict() for f in findings])


def test_a_tree_finding_names_the_commit_that_introduced_its_value_and_where(detector):
    token = github_token()
    past = history(
        raw(NEW, "app/keys.py", 2, token),
        raw(OLD, "old/keys.py", 7, token),
        raw(MID, "app/keys.py", 2, token),
    )
    [f] = merge(detector, tree(FileHit("app/keys.py", 2, 9, BLOCKER, token)), past=past)
    rule = detector.rule(BLOCKER)
    assert f.message == (
        f"{rule.title} {redact(token)} in app/keys.py:2{introduced(OLD)} (in old/keys.py)."
    )
    assert f.details == {
        "scope": "tree",
        "in_tree": True,
        "redacted": redact(token),
        "occurrences": 1,
        "commit": OLD.sha,
        "author": "Dev old",
        "date": OLD.date,
        "first_path": "old/keys.py",
    }
    assert f.location == Location(path="app/keys.py", line=2, column=9)  # no commit: it is here
    assert f.severity is Severity.BLOCKER
    assert f.title == f"{rule.title} in tree"


def test_a_value_introduced_at_the_same_path_names_no_first_path(detector):
    token = github_token()
    past = history(raw(MID, "app.py", 4, token), raw(NEW, "app.py", 4, token))
    [f] = merge(detector, tree(FileHit("app.py", 4, 1, BLOCKER, token)), past=past)
    assert (
        f.message == f"{detector.rule(BLOCKER).title} {redact(token)} in app.py:4{introduced(MID)}."
    )
    assert "first_path" not in f.details
    assert f.details["commit"] == MID.sha


@pytest.mark.parametrize("hits", list(itertools.permutations(range(4))))
def test_one_commit_adding_a_value_at_two_paths_names_the_first_path_whatever_the_hit_order(
    detector, hits
):
    token = github_token()
    candidates = [
        raw(MID, "b/z.py", 1, token),
        raw(MID, "b/a.py", 9, token),
        raw(MID, "b/a.py", 4, token),
        raw(NEW, "a/a.py", 1, token),  # newer: never the origin, whatever its name
    ]
    past = history(*(candidates[i] for i in hits))
    [f] = merge(detector, tree(FileHit("live.py", 1, 1, BLOCKER, token)), past=past)
    assert (f.details["commit"], f.details["first_path"]) == (MID.sha, "b/a.py")
    assert f.message.endswith(f"{introduced(MID)} (in b/a.py).")


def test_an_origin_is_per_rule_and_value(detector):
    token = github_token()
    past = history(raw(OLD, "x.py", 1, token, rule=HIGH), raw(NEW, "y.py", 1, token))
    here, there = merge(detector, tree(FileHit("y.py", 1, 1, BLOCKER, token)), past=past)
    assert (here.rule, here.details["commit"], here.details["scope"]) == (BLOCKER, NEW.sha, "tree")
    assert "first_path" not in here.details
    # The other rule's place is not in the tree under that rule: it is history.
    assert (there.rule, there.location.path, there.details["scope"]) == (HIGH, "x.py", "history")


def test_a_value_still_in_the_tree_elsewhere_is_reported_there_not_as_history(detector):
    token, gone = github_token(), github_token()
    past = history(
        raw(OLD, "old.py", 3, token),
        raw(NEW, "new.py", 5, token),
        raw(MID, "gone.py", 1, gone),  # after the places skipped: still reported
    )
    findings = merge(detector, tree(FileHit("new.py", 5, 1, BLOCKER, token)), past=past)
    assert [
        (f.location.path, f.details["scope"], f.details.get("first_path")) for f in findings
    ] == [
        ("new.py", "tree", "old.py"),
        ("gone.py", "history", None),
    ]


# ---------------------------------------------------------------- history


def test_a_history_only_secret_keeps_its_oldest_commit_and_says_why_it_is_high(detector):
    token = github_token()
    past = history(
        raw(NEW, "gone.py", 2, token),
        raw(NEW, "gone.py", 6, token),
        raw(OLD, "gone.py", 8, token),
        raw(MID, "gone.py", 1, token),
    )
    [f] = merge(detector, past=past)
    rule = detector.rule(BLOCKER)
    assert f.severity is Severity.HIGH
    assert f.title == f"{rule.title} in history"
    assert f.location == Location(path="gone.py", line=8, column=3, commit=OLD.sha)
    assert f.message == (
        f"{rule.title} {redact(token)} was committed at gone.py:8{introduced(OLD)}; it is not "
        "in the current tree (removed, or only on another branch or tag), but it is in the "
        "repository's history: anyone with a clone has it. Severity high, not the rule's "
        f"blocker: {HISTORY_WHY}."
    )
    assert f.remediation == f"Rotate it anyway: deleting is not revoking. {rule.remediation}"
    assert f.details == {
        "scope": "history",
        "in_tree": False,
        "redacted": redact(token),
        "occurrences": 4,
        "commit": OLD.sha,
        "author": "Dev old",
        "date": OLD.date,
    }
    assert f.fingerprint == fingerprint_of("secrets", BLOCKER, "gone.py", value_hash(token))


def test_history_hits_in_one_commit_keep_the_place_at_its_first_line(detector):
    token = github_token()
    past = history(raw(MID, "gone.py", 5, token), raw(MID, "gone.py", 9, token))
    [f] = merge(detector, past=past)
    assert (f.location.line, f.details["occurrences"]) == (5, 2)


def test_occurrences_add_up_when_an_older_commit_takes_the_place(detector):
    token = github_token()
    past = history(
        raw(NEW, "gone.py", 1, token),
        raw(NEW, "gone.py", 2, token),
        raw(MID, "gone.py", 3, token),
        raw(OLD, "gone.py", 4, token),
        raw(NEW, "gone.py", 5, token),
    )
    [f] = merge(detector, past=past)
    assert (f.location.line, f.location.commit, f.details["occurrences"]) == (4, OLD.sha, 5)


def test_each_deleted_place_is_its_own_finding_in_the_order_first_seen(detector):
    token, other = github_token(), github_token()
    past = history(
        raw(NEW, "b.py", 1, token),
        raw(NEW, "a.py", 2, other),
        raw(OLD, "b.py", 3, token),
        raw(MID, "c.py", 4, token),
    )
    findings = merge(detector, past=past)
    assert [(f.location.path, f.location.line, f.location.commit) for f in findings] == [
        ("b.py", 3, OLD.sha),
        ("a.py", 2, NEW.sha),
        ("c.py", 4, MID.sha),
    ]
    # Each place names its own oldest commit, not the value's first path.
    assert all("first_path" not in f.details for f in findings)


@pytest.mark.parametrize(
    ("rule", "severity"),
    [(HIGH, Severity.HIGH), (MEDIUM, Severity.MEDIUM), (LOW, Severity.LOW)],
)
def test_a_history_secret_below_blocker_keeps_its_severity_and_gives_no_why(
    detector, rule, severity
):
    value = rand(40)
    [f] = merge(detector, past=history(raw(MID, "gone.py", 2, value, rule=rule)))
    assert f.severity is severity
    assert f.message.endswith("anyone with a clone has it.")
    assert "Severity" not in f.message


def test_a_commit_unknown_to_the_order_counts_as_the_newest(detector):
    token = github_token()
    stray = meta("stray", 25)  # read, but not in the rev-list order (e.g. a tag's object)
    past = history(
        raw(stray, "gone.py", 1, token),
        raw(NEW, "gone.py", 2, token),
        raw(stray, "gone.py", 3, token),
        metas=(NEW, stray),
    )
    [f] = merge(detector, past=past)
    assert (f.location.line, f.location.commit, f.details["occurrences"]) == (2, NEW.sha, 3)


def test_unknown_commits_tie_with_each_other_not_with_the_newest_known(detector):
    token = github_token()
    stray, other = meta("stray", 25), meta("other", 26)
    past = history(
        raw(stray, "s.py", 1, token),
        raw(other, "s.py", 2, token),
        raw(stray, "t.py", 1, token),
        raw(NEW, "t.py", 4, token),
        metas=(NEW, stray, other),
    )
    found = {f.location.path: f for f in merge(detector, past=past)}
    assert (found["s.py"].location.line, found["s.py"].location.commit) == (1, stray.sha)
    assert (found["t.py"].location.line, found["t.py"].location.commit) == (4, NEW.sha)


def test_a_commit_without_metadata_names_no_commit(detector):
    token = github_token()
    past = history(raw(MID, "gone.py", 2, token), metas=())
    [f] = merge(detector, past=past)
    assert f.location == Location(path="gone.py", line=2, column=3)
    assert "commit" not in f.details
    assert f.message.startswith(
        f"{detector.rule(BLOCKER).title} {redact(token)} was committed at gone.py:2; it is not"
    )


def test_a_secret_in_a_commit_message_says_which_message(detector):
    token = github_token()
    [f] = merge(detector, past=history(raw(MID, "", 3, token)))
    assert f.message.startswith(
        f"{detector.rule(BLOCKER).title} {redact(token)} was committed at line 3 of the message "
        f"of commit {MID.sha[:12]}{introduced(MID)}; it is not in the current tree"
    )
    assert f.location == Location(path="", line=3, column=3, commit=MID.sha)
    assert "first_path" not in f.details


# ---------------------------------------------------------------- unread and excluded


def test_a_secret_in_a_file_present_but_unread_is_treated_as_still_there(detector):
    token = github_token()
    past = history(raw(NEW, "big.bin", 5, token), raw(OLD, "big.bin", 4, token))
    [f] = merge(detector, past=past, unread=frozenset({"big.bin", "other.bin"}))
    rule = detector.rule(BLOCKER)
    assert f.severity is Severity.BLOCKER
    assert f.title == f"{rule.title} in tree"
    assert f.location == Location(path="big.bin", line=4, column=3)
    assert f.message == f"{rule.title} {redact(token)} in big.bin:4{introduced(OLD)}."
    assert f.remediation == tree_remediation(detector, BLOCKER)
    assert f.details == {
        "scope": "tree",
        "in_tree": True,
        "redacted": redact(token),
        "occurrences": 2,
        "commit": OLD.sha,
        "author": "Dev old",
        "date": OLD.date,
    }


def test_excluded_paths_are_dropped_from_history_and_from_origins(detector):
    token, vendored = github_token(), github_token()
    past = history(
        raw(OLD, "vendor/lib/x.py", 1, token),
        raw(OLD, "vendor/y.py", 2, vendored),
        raw(OLD, "z.lock", 2, vendored),
        raw(MID, "app.py", 3, token),
    )
    findings = merge(
        detector,
        tree(FileHit("app.py", 3, 1, BLOCKER, token)),
        past=past,
        exclude=("vendor", "*.lock"),
    )
    [f] = findings
    assert f.details["commit"] == MID.sha
    assert "first_path" not in f.details


def test_no_history_no_origin(detector):
    token = github_token()
    [f] = merge(detector, tree(FileHit("app.py", 3, 1, BLOCKER, token)), past=history())
    assert f.details == {
        "scope": "tree",
        "in_tree": True,
        "redacted": redact(token),
        "occurrences": 1,
    }


# ---------------------------------------------------------------- build output


def test_build_output_gets_one_finding_per_place_after_tree_and_history(detector):
    token, gone, shipped = github_token(), github_token(), github_token()
    bundles = tree(
        FileHit("dist/app.js", 1, 40, BLOCKER, shipped),
        FileHit("dist/app.js", 1, 900, BLOCKER, shipped),
        FileHit("dist/app.js", 2, 7, BLOCKER, shipped),
        FileHit("dist/app.js.map", 1, 12, BLOCKER, shipped),
    )
    findings = merge(
        detector,
        tree(FileHit("app.py", 1, 1, BLOCKER, token)),
        bundles,
        history(raw(MID, "gone.py", 2, gone)),
    )
    assert [(f.location.path, f.details["scope"]) for f in findings] == [
        ("app.py", "tree"),
        ("gone.py", "history"),
        ("dist/app.js", "bundle"),
        ("dist/app.js.map", "bundle"),
    ]
    js = findings[2]
    rule = detector.rule(BLOCKER)
    assert js.location == Location(path="dist/app.js", line=1, column=40)
    assert js.title == f"{rule.title} in build output"
    assert js.message == (
        f"{rule.title} {redact(shipped)} is in build output dist/app.js:1: it ships to every "
        "client."
    )
    assert js.remediation == (
        f"{rule.remediation} Keep server secrets out of client code (only publishable keys "
        "belong in bundles) and rebuild."
    )
    assert js.details == {
        "scope": "bundle",
        "in_tree": False,
        "redacted": redact(shipped),
        "occurrences": 3,
    }
    assert findings[3].details["occurrences"] == 1


def test_build_output_names_the_commit_that_introduced_its_value(detector):
    token = github_token()
    bundles = tree(FileHit("dist/app.js", 3, 1, BLOCKER, token))
    past = history(raw(MID, "src/config.ts", 8, token), raw(NEW, "src/config.ts", 8, token))
    findings = merge(detector, bundles=bundles, past=past)
    assert [f.details["scope"] for f in findings] == ["history", "bundle"]
    f = findings[1]
    assert f.message == (
        f"{detector.rule(BLOCKER).title} {redact(token)} is in build output dist/app.js:3: it "
        f"ships to every client{introduced(MID)} (in src/config.ts)."
    )
    assert f.location.commit is None
    assert (f.details["commit"], f.details["first_path"]) == (MID.sha, "src/config.ts")


# ---------------------------------------------------------------- severity by scope


def finding_at(detector: Detector, scope: str, path: str, rule: str) -> Finding:
    value = rand(40)
    place = Place(path, rule, value_hash(value))
    return secret_finding(place, Seen(value, 1, 1), scope, None, detector)


CLIENT = [
    "dist/a.js",
    "dist/a.mjs",
    "dist/a.cjs",
    "dist/a.js.map",
    "dist/index.html",
    "dist/index.htm",
    "dist/a.css",
    "dist/manifest.json",
    "dist/robots.txt",
    "dist/a.wasm",
    "dist/APP.JS",
]
SEVERITY_OF = {
    BLOCKER: Severity.BLOCKER,
    HIGH: Severity.HIGH,
    MEDIUM: Severity.MEDIUM,
    LOW: Severity.LOW,
}


@pytest.mark.parametrize("path", CLIENT)
def test_a_high_secret_shipped_to_clients_is_a_blocker(detector, path):
    f = finding_at(detector, "bundle", path, HIGH)
    assert f.severity is Severity.BLOCKER
    assert f.message.endswith(
        "it ships to every client. Severity blocker, not the rule's high: it ships in build output."
    )


@pytest.mark.parametrize(
    ("scope", "path", "rule", "severity"),
    [
        ("bundle", "dist/a.js", BLOCKER, Severity.BLOCKER),
        ("bundle", "dist/a.js", MEDIUM, Severity.HIGH),
        ("bundle", "dist/a.js", LOW, Severity.LOW),
        ("bundle", "dist/server.py", BLOCKER, Severity.BLOCKER),
        ("bundle", "dist/server.py", HIGH, Severity.HIGH),
        ("bundle", "dist/server.py", MEDIUM, Severity.HIGH),
        ("bundle", "dist/server.py", LOW, Severity.LOW),
        ("bundle", "dist/js", HIGH, Severity.HIGH),
        ("history", "gone.py", BLOCKER, Severity.HIGH),
        ("history", "gone.py", HIGH, Severity.HIGH),
        ("history", "gone.py", MEDIUM, Severity.MEDIUM),
        ("history", "gone.py", LOW, Severity.LOW),
        ("tree", "dist/a.js", MEDIUM, Severity.MEDIUM),
        ("tree", "dist/a.js", HIGH, Severity.HIGH),
        ("tree", "gone.py", BLOCKER, Severity.BLOCKER),
        ("tree", "gone.py", LOW, Severity.LOW),
        ("staged", "dist/a.js", MEDIUM, Severity.MEDIUM),
        ("staged", "gone.py", BLOCKER, Severity.BLOCKER),
    ],
)
def test_severity_by_scope_with_the_reason_only_when_it_differs(
    detector, scope, path, rule, severity
):
    f = finding_at(detector, scope, path, rule)
    assert f.severity is severity
    why = {"history": HISTORY_WHY, "bundle": "it ships in build output"}
    if severity is SEVERITY_OF[rule]:
        assert "Severity" not in f.message
    else:
        assert f.message.endswith(
            f". Severity {severity.value}, not the rule's {SEVERITY_OF[rule].value}: {why[scope]}."
        )


def test_a_staged_secret_says_it_is_not_committed_yet(detector):
    token = github_token()
    place = Place("app.py", BLOCKER, value_hash(token))
    f = secret_finding(place, Seen(token, 4, 2, occurrences=2), "staged", None, detector)
    rule = detector.rule(BLOCKER)
    assert f.title == f"{rule.title} in staged changes"
    assert f.message == f"{rule.title} {redact(token)} is staged for commit at app.py:4."
    assert f.remediation == (
        "Remove it from the file and load it from the environment or a secret store, then "
        "stage again: it is not committed yet, so nothing needs rewriting. If it was ever "
        f"pushed, pasted or shared elsewhere, rotate it as well. {rule.remediation}"
    )
    assert f.details == {
        "scope": "staged",
        "in_tree": False,
        "redacted": redact(token),
        "occurrences": 2,
    }
    assert f.location == Location(path="app.py", line=4, column=2)


# ---------------------------------------------------------------- range scans


def test_a_range_scan_marks_a_finding_introduced_only_when_its_commits_added_it(detector):
    token, before = github_token(), github_token()
    past = history(raw(MID, "new.py", 1, token))
    files = tree(FileHit("new.py", 1, 1, BLOCKER, token), FileHit("old.py", 1, 1, BLOCKER, before))
    brought, kept = merge(detector, files, past=past)
    marked = mark_range(brought)
    assert marked.details == {**brought.details, INTRODUCED_IN_RANGE: True}
    assert marked == brought  # only the details change
    assert (marked.message, marked.severity) == (brought.message, brought.severity)
    assert INTRODUCED_IN_RANGE not in brought.details  # the original is left as it was
    assert mark_range(kept).details == {**kept.details, INTRODUCED_IN_RANGE: False}
