"""The ``secrets`` check: scopes, merging hits into one finding per secret per place, baseline.

Default scope (no manifest, no flags) is the tree plus every commit on every ref, plus build
output. A secret found in history and still in the tree is one finding (in the tree, with the
commit that introduced it); one deleted since is a history finding that still says "rotate".
"""

from __future__ import annotations

import dataclasses
import glob
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchgate.checkapi import CheckContext, CheckError, CheckSpec
from launchgate.findings import (
    INTRODUCED_IN_RANGE,
    CheckResult,
    Finding,
    Location,
    RuleInfo,
    Severity,
    fingerprint_of,
)
from launchgate.manifest import Manifest
from launchgate.redact import redact, value_hash
from launchgate.secretscan.baseline import (
    DEFAULT_BASELINE,
    DETECT_SECRETS_BASELINE,
    Baseline,
    BaselineError,
    load_baseline,
    write_baseline,
)
from launchgate.secretscan.blobs import scan_blobs
from launchgate.secretscan.coverage import coverage_notes, inline_markers_added, summary_line
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.engine import EngineError
from launchgate.secretscan.gitmeta import MessageLog, scan_tags
from launchgate.secretscan.gitrepo import (
    GitError,
    RepoInfo,
    count_missing_objects,
    exclude_pathspecs,
    inspect_repo,
    list_commits,
    run_git,
)
from launchgate.secretscan.gitwalk import CommitMeta, scan_staged
from launchgate.secretscan.history import HistoryResult, scan_history
from launchgate.secretscan.proof import unproven
from launchgate.secretscan.rules import RulePackError, load_rules, user_pack_paths
from launchgate.secretscan.tree import (
    BUNDLE_MIN_CAP,
    DEFAULT_BUNDLES,
    TreeResult,
    bundle_files,
    excluded,
    git_tree_files,
    head_files,
    scan_files,
    walk_files,
)
from launchgate.secretscan.unreadable import Unreadable, how_much, unreadable_finding

CHECK_ID = "secrets"
DEFAULT_MAX_FILE_BYTES = 2_000_000
_ZERO_SHA = re.compile(r"^0{40}$|^0{64}$")
_SCOPE_TITLES = {"bundle": "build output", "staged": "staged changes"}
_CLIENT_EXT = (".js", ".mjs", ".cjs", ".map", ".html", ".htm", ".css", ".json", ".txt", ".wasm")


@dataclass(frozen=True)
class _Place:
    """One secret in one place: the unit of a finding."""

    path: str
    rule: str
    vhash: str


@dataclass
class _Seen:
    value: str
    line: int
    column: int
    commit: CommitMeta | None = None
    order: int = -1  # position in rev-list order: larger is older
    occurrences: int = 1
    path: str = ""


def run(ctx: CheckContext) -> CheckResult:
    """Scan, then give paths relative to ``ctx.root`` like every check (git gives them from the
    top level; fingerprints and the baseline keep the top-level form, stable wherever it runs)."""
    result = _scan(ctx)
    top = _toplevel(ctx.root)
    if top is None or top == ctx.root.resolve():
        return result
    findings = tuple(_from_root(f, top, ctx.root.resolve()) for f in result.findings)
    return dataclasses.replace(result, findings=findings)


def _toplevel(root: Path) -> Path | None:
    if not root.is_dir():
        return None
    proc = run_git(root.resolve(), "rev-parse", "--show-toplevel")
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return Path(proc.stdout.decode("utf-8", "surrogateescape").strip()).resolve()


def _from_root(finding: Finding, top: Path, root: Path) -> Finding:
    path = finding.location.path
    if not path:
        return finding
    moved = Path(os.path.relpath(top / path, root)).as_posix()
    return dataclasses.replace(finding, location=dataclasses.replace(finding.location, path=moved))


def _scan(ctx: CheckContext) -> CheckResult:
    started = time.perf_counter()
    section = ctx.section("secrets")
    root = ctx.root.resolve()
    if not root.is_dir():
        raise CheckError(f"{ctx.root}: no such directory")
    want_history = ctx.params.get("history")
    if want_history is None:
        want_history = bool(section.get("history", True))
    since: str | None = ctx.params.get("since") or None
    max_bytes = _max_bytes(ctx)
    exclude: list[str] = [str(p) for p in section.get("exclude") or []]
    staged = bool(ctx.params.get("staged"))
    if staged and since:
        raise CheckError("--staged scans the index only; it cannot be combined with --since")

    packs = user_pack_paths(ctx.manifest.root, ctx.section("rules").get("packs") or [])
    detector = _detector(packs)

    info = inspect_repo(root)
    # The user's own rule packs hold example secrets by design: never scan them.
    exclude += _relative_globs(packs, info.toplevel if info is not None else root)
    pathspecs = exclude_pathspecs(exclude)
    notes: list[str] = []
    meta: list[Finding] = []
    if staged:
        if info is None or info.bare:
            raise CheckError(
                f"{root} is not a git repository, so there is no index to scan; --staged is "
                "for pre-commit hooks inside a clone"
            )
        return _staged(ctx, info, detector, exclude, pathspecs, started)
    if info is None:
        if want_history or since:
            raise CheckError(
                f"{root} is not a git repository, so its history cannot be scanned; run this "
                "inside a clone, or pass --no-history to scan the files only"
            )
        base = root
        tree_paths = walk_files(base, base, exclude)
    elif info.bare:
        base = info.toplevel
        tree_paths = []
        notes.append("bare repository: no working tree, history only")
    else:
        base = info.toplevel
        tree_paths = git_tree_files(base, pathspecs)

    ctx.progress("secrets: scanning the tree")
    tree = scan_files(base, tree_paths, detector, max_bytes, exclude, ctx.progress, packs=packs)
    bundle_dirs = [str(d) for d in section.get("bundles") or DEFAULT_BUNDLES]
    bundles = scan_files(
        base,
        [] if info is not None and info.bare else bundle_files(base, bundle_dirs, exclude),
        detector,
        max(max_bytes, BUNDLE_MIN_CAP),
        exclude,
        ctx.progress,
        "bundles",
        packs=packs,
    )

    history: HistoryResult | None = None
    order: dict[str, int] = {}
    if info is not None and (want_history or since):
        history, order = _history(ctx, info, since, detector, packs, pathspecs, notes, meta)

    unread = {path for path, _size in tree.too_large}
    if info is not None and info.bare:
        unread |= head_files(info.toplevel)  # files of HEAD, present but never read as a tree
    findings, keys = _merge(tree, bundles, history, order, detector, exclude, unread)
    for finding_value in {v for _, v in keys}:
        ctx.masker.add(finding_value)

    baseline_path = _baseline_path(ctx, base)
    if ctx.params.get("write_baseline"):
        return _write(baseline_path, keys, started)
    # On a pull request the action reads policy files from the base branch (action/policy.py).
    policy_dir = Path(ctx.params["policy_dir"]) if ctx.params.get("policy_dir") else base
    baseline = _load_baseline(baseline_path, policy_dir, meta)
    kept = _not_baselined(findings, baseline, keys)
    accepted = len(findings) - len(kept)
    if ctx.params.get("policy_dir") and history is not None and history.inline_suppressed:
        meta.append(inline_markers_added(history.inline_suppressed))
    if since:
        kept = [_mark_range(f) for f in kept]

    meta.extend(coverage_notes(tree, bundles, history))
    summary = summary_line(tree, bundles, history, kept, accepted, len(baseline), notes, since)
    return CheckResult(
        check=CHECK_ID,
        findings=tuple(kept + meta),
        summary=summary,
        duration_ms=int((time.perf_counter() - started) * 1000),
    )


def _max_bytes(ctx: CheckContext) -> int:
    return int(ctx.section("secrets").get("max_file_bytes") or DEFAULT_MAX_FILE_BYTES)


def _detector(packs: Sequence[Path]) -> Detector:
    """Built-in and user rules; a user pack whose own examples fail is refused."""
    try:
        detector = Detector(load_rules(packs))
    except EngineError as exc:
        raise CheckError(str(exc)) from None
    except (RulePackError, ValueError) as exc:
        raise CheckError(f"rule pack: {exc}") from None
    problems = unproven(detector, {str(p) for p in packs})
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise CheckError("rule pack examples do not hold: " + "; ".join(problems[:3]) + more)
    return detector


def _relative_globs(paths: Sequence[Path], base: Path) -> list[str]:
    """Exclude globs for ``paths`` inside ``base``, escaped (a name may hold ``[`` or ``*``)."""
    out = []
    for path in paths:
        try:
            out.append(glob.escape(path.resolve().relative_to(base.resolve()).as_posix()))
        except ValueError:
            continue
    return out


def _write(path: Path, keys: list[tuple[_Place, str]], started: float) -> CheckResult:
    count = write_baseline(path, ((p.path, p.rule, p.vhash) for p, _ in keys))
    return CheckResult(
        check=CHECK_ID,
        summary=f"wrote {count} accepted secret(s) to {path} (keyed on path, rule "
        "and a hash of the secret; commit it, and new secrets will still fail)",
        duration_ms=int((time.perf_counter() - started) * 1000),
    )


# ---------------------------------------------------------------- staged (pre-commit)


def _staged(
    ctx: CheckContext,
    info: RepoInfo,
    detector: Detector,
    exclude: Sequence[str],
    pathspecs: Sequence[str],
    started: float,
) -> CheckResult:
    """Only the lines the next commit would add: ``git diff --cached``, nothing else."""
    ctx.progress("secrets: scanning staged changes")
    batch = scan_staged(info.toplevel, detector, pathspecs)
    if batch.failed is not None:
        raise CheckError(f"git diff --cached: {batch.failed}")
    staged_blobs = scan_blobs(info.toplevel, batch.binary_blobs, detector, _max_bytes(ctx))
    batch.hits.extend(staged_blobs.hits)
    batch.binary_files -= staged_blobs.text_files
    seen: dict[_Place, _Seen] = {}
    for raw in batch.hits:
        if excluded(raw.path, exclude):
            continue
        place = _Place(raw.path, raw.rule, value_hash(raw.value))
        if place in seen:
            seen[place].occurrences += 1
        else:
            seen[place] = _Seen(raw.value, raw.line, raw.column, path=raw.path)
    keys = [(place, s.value) for place, s in seen.items()]
    findings = [_finding(place, s, "staged", None, detector) for place, s in seen.items()]
    for _place, value in keys:
        ctx.masker.add(value)
    baseline_path = _baseline_path(ctx, info.toplevel)
    if ctx.params.get("write_baseline"):
        return _write(baseline_path, keys, started)
    unreadable: list[Finding] = []
    baseline = _load_baseline(baseline_path, info.toplevel, unreadable)
    kept = _not_baselined(findings, baseline, keys)
    parts = [
        f"scanned staged changes: {batch.added_lines:,} added lines",
        f"secrets: {len(kept) or 'none'}",
    ]
    if batch.binary_files:
        parts.append(f"{batch.binary_files} binary files skipped")
    if batch.inline_suppressed:
        parts.append(f"{batch.inline_suppressed} allowed by inline markers")
    if len(findings) > len(kept):
        parts.append(f"{len(findings) - len(kept)} accepted by the baseline")
    return CheckResult(
        check=CHECK_ID,
        findings=tuple(kept + unreadable),
        summary="; ".join(parts),
        duration_ms=int((time.perf_counter() - started) * 1000),
    )


# ---------------------------------------------------------------- history


def _revs(since: str | None) -> list[str]:
    if not since:
        return ["--all"]
    if ".." in since:
        base, _, head = since.partition("...") if "..." in since else since.partition("..")
        head = head or "HEAD"
        if not base or _ZERO_SHA.match(base):
            return [head]  # a new branch pushed: everything it carries
        return [f"{base}..{head}"]
    return [f"{since}..HEAD"]


def _history(
    ctx: CheckContext,
    info: RepoInfo,
    since: str | None,
    detector: Detector,
    packs: Sequence[Path],
    pathspecs: Sequence[str],
    notes: list[str],
    meta: list[Finding],
) -> tuple[HistoryResult | None, dict[str, int]]:
    if info.shallow:
        notes.append("shallow clone: history before the clone depth was not scanned")
        meta.append(
            Finding(
                check=CHECK_ID,
                rule="secrets.shallow-clone",
                severity=Severity.INFO,
                title="Shallow clone: history not fully scanned",
                message="This is a shallow clone, so commits before the clone depth were not "
                "scanned (and the oldest commit shows its whole tree as added).",
                remediation="Fetch the full history: actions/checkout with `fetch-depth: 0`, "
                "or `git fetch --unshallow`.",
            )
        )
    if not info.has_commits:
        notes.append("no commits yet")
        return None, {}
    revs = _revs(since)
    for rev in revs:
        for end in rev.split(".."):
            if end and not end.startswith("-") and not _resolves(info.toplevel, end):
                hint = (
                    " (this is a shallow clone: fetch more history, e.g. `fetch-depth: 0`)"
                    if info.shallow
                    else ""
                )
                raise CheckError(f"--since: {end!r} is not a commit in this repository{hint}")
    try:
        commits = list_commits(info.toplevel, revs)
    except GitError as exc:
        raise CheckError(f"git rev-list {' '.join(revs)}: {exc}") from None
    ctx.progress(f"secrets: history {len(commits)} commits")
    messages = MessageLog(info.toplevel, commits, info.promisor)  # git runs alongside
    try:
        result = scan_history(
            info.toplevel,
            commits,
            detector,
            packs,
            info.promisor,
            progress=ctx.progress,
            pathspecs=pathspecs,
            max_bytes=_max_bytes(ctx),
        )
    except BaseException:
        messages.close()
        raise
    if result.skipped_commits:
        unread = Unreadable(
            skipped=len(result.skipped_commits),
            total=len(commits),
            missing=count_missing_objects(info.toplevel, revs, info.promisor),
            partial=info.promisor is not None,
            first=result.skipped_commits[0],
            reason=result.skip_reason,
        )
        notes.append(how_much(unread) + " (objects missing)")
        meta.append(unreadable_finding(unread))
    _scan_git_text(ctx, info, messages, detector, result, tags=since is None)
    return result, {sha: i for i, sha in enumerate(commits)}


def _scan_git_text(
    ctx: CheckContext,
    info: RepoInfo,
    messages: MessageLog,
    detector: Detector,
    result: HistoryResult,
    tags: bool,
) -> None:
    """Commit messages of the scanned commits and, for every ref, tags' messages and blobs."""
    ctx.progress("secrets: commit messages and tags")
    parts = [messages.scan(detector)]
    if tags:
        parts.append(scan_tags(info.toplevel, detector, _max_bytes(ctx)))
    for part in parts:
        result.hits.extend(part.hits)
        result.metas.update(part.metas)


def _resolves(root: Path, rev: str) -> bool:
    return run_git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode == 0


# ---------------------------------------------------------------- merging


def _merge(
    tree: TreeResult,
    bundles: TreeResult,
    history: HistoryResult | None,
    order: Mapping[str, int],
    detector: Detector,
    exclude: Sequence[str],
    unread: set[str],
) -> tuple[list[Finding], list[tuple[_Place, str]]]:
    """One finding per secret per place; history tells tree findings where they came from."""
    in_tree: dict[_Place, _Seen] = {}
    tree_values: dict[tuple[str, str], str] = {}
    for hit in tree.hits:
        place = _Place(hit.path, hit.rule, value_hash(hit.value))
        if place in in_tree:
            in_tree[place].occurrences += 1
            continue
        in_tree[place] = _Seen(hit.value, hit.line, hit.column)
        tree_values.setdefault((hit.rule, place.vhash), hit.path)

    past: dict[_Place, _Seen] = {}
    introduced: dict[tuple[str, str], _Seen] = {}
    if history is not None:
        for raw in history.hits:
            if excluded(raw.path, exclude):
                continue
            place = _Place(raw.path, raw.rule, value_hash(raw.value))
            meta = history.metas.get(raw.commit)
            rank = order.get(raw.commit, -1)
            seen = _Seen(raw.value, raw.line, raw.column, meta, rank, path=raw.path)
            old = past.get(place)
            if old is None or rank > old.order:
                if old is not None:
                    seen.occurrences += old.occurrences
                past[place] = seen
            else:
                old.occurrences += 1
            first = introduced.get((raw.rule, place.vhash))
            if first is None or rank > first.order:
                introduced[(raw.rule, place.vhash)] = seen

    findings: list[Finding] = []
    keys: list[tuple[_Place, str]] = []
    for place, seen in in_tree.items():
        origin = introduced.get((place.rule, place.vhash))
        findings.append(_finding(place, seen, "tree", origin, detector))
        keys.append((place, seen.value))
    # Files present but not read (over the size cap; HEAD of a bare clone): a secret history puts
    # in one is treated as still there (the safe assumption), not downgraded to history-only.
    for place, seen in past.items():
        if place in in_tree or (place.rule, place.vhash) in tree_values:
            continue  # still in the tree (maybe moved): reported there, with its origin
        scope = "tree" if place.path in unread else "history"
        findings.append(_finding(place, seen, scope, seen, detector))
        keys.append((place, seen.value))
    bundle_seen: set[_Place] = set()
    for hit in bundles.hits:
        place = _Place(hit.path, hit.rule, value_hash(hit.value))
        if place in bundle_seen:
            continue
        bundle_seen.add(place)
        origin = introduced.get((hit.rule, place.vhash))
        seen = _Seen(hit.value, hit.line, hit.column)
        findings.append(_finding(place, seen, "bundle", origin, detector))
        keys.append((place, hit.value))
    return findings, keys


def _mark_range(finding: Finding) -> Finding:
    """After a range scan (``--since``, a pull request): did the range's commits bring it in?
    A finding has an origin commit only when the scanned commits added its value."""
    introduced = "commit" in finding.details
    return dataclasses.replace(
        finding, details={**finding.details, INTRODUCED_IN_RANGE: introduced}
    )


# Why a finding's severity differs from its rule's, by scope (shown in the message).
_SEVERITY_WHY = {
    "history": "it is no longer in the tree (deleted since, or only on another branch or tag)",
    "bundle": "it ships in build output",
}


def _severity(base: Severity, scope: str, path: str) -> Severity:
    if scope == "history":
        return Severity.HIGH if base.at_least(Severity.HIGH) else base
    if scope == "bundle":
        if path.lower().endswith(_CLIENT_EXT) and base.at_least(Severity.HIGH):
            return Severity.BLOCKER
        return Severity.HIGH if base.at_least(Severity.MEDIUM) else base
    return base


def _finding(
    place: _Place, seen: _Seen, scope: str, origin: _Seen | None, detector: Detector
) -> Finding:
    rule = detector.rule(place.rule)
    shown = redact(seen.value)
    details: dict[str, Any] = {
        "scope": scope,
        "in_tree": scope == "tree",
        "redacted": shown,
        "occurrences": seen.occurrences,
    }
    where = f"{place.path}:{seen.line}"
    if not place.path and seen.commit is not None:  # a commit message has no file
        where = f"line {seen.line} of the message of commit {seen.commit.sha[:12]}"
    tail = ""
    commit = origin.commit if origin is not None else None
    if commit is not None:
        details.update(commit=commit.sha, author=commit.author, date=commit.date)
        tail = f"; introduced in {commit.sha[:12]} by {commit.author} on {commit.date[:10]}"
        if origin is not None and origin.path and origin.path != place.path:
            details["first_path"] = origin.path
            tail += f" (in {origin.path})"
    if scope == "history":
        message = (
            f"{rule.title} {shown} was committed at {where}{tail}; it is not in the current "
            "tree (removed, or only on another branch or tag), but it is in the repository's "
            "history: anyone with a clone has it."
        )
        remediation = f"Rotate it anyway: deleting is not revoking. {rule.remediation}"
    elif scope == "staged":
        message = f"{rule.title} {shown} is staged for commit at {where}."
        remediation = (
            f"Remove it from the file and load it from the environment or a secret store, then "
            f"stage again: it is not committed yet, so nothing needs rewriting. If it was ever "
            f"pushed, pasted or shared elsewhere, rotate it as well. {rule.remediation}"
        )
    elif scope == "bundle":
        message = (
            f"{rule.title} {shown} is in build output {where}: it ships to every client{tail}."
        )
        remediation = (
            f"{rule.remediation} Keep server secrets out of client code (only publishable "
            "keys belong in bundles) and rebuild."
        )
    else:
        message = f"{rule.title} {shown} in {where}{tail}."
        remediation = (
            f"{rule.remediation} Then remove it from the file; it stays in git history, so "
            "rotating is what makes it harmless."
        )
    severity = _severity(rule.severity, scope, place.path)
    if severity is not rule.severity and scope in _SEVERITY_WHY:
        message += (
            f" Severity {severity.value}, not the rule's {rule.severity.value}: "
            f"{_SEVERITY_WHY[scope]}."
        )
    return Finding(
        check=CHECK_ID,
        rule=rule.id,
        severity=severity,
        title=f"{rule.title} in {_SCOPE_TITLES.get(scope, scope)}",
        message=message,
        location=Location(
            path=place.path,
            line=seen.line,
            column=seen.column,
            commit=commit.sha if commit is not None and scope == "history" else None,
        ),
        remediation=remediation,
        fingerprint=fingerprint_of(CHECK_ID, rule.id, place.path, place.vhash),
        details=details,
    )


# ---------------------------------------------------------------- baseline and summary


def _baseline_path(ctx: CheckContext, base: Path) -> Path:
    configured = ctx.section("secrets").get("baseline")
    if configured:
        return ctx.manifest.root / str(configured)
    return base / DEFAULT_BASELINE


def _load_baseline(path: Path, base: Path, meta: list[Finding]) -> Baseline:
    """The accepted secrets; an unusable baseline accepts nothing and is itself a finding.

    Raising here would throw away every finding of the scan, and ``--allow-errors`` would then
    report GO on a repository full of secrets: what could not be read is never a pass.
    """
    try:
        return load_baseline([path, base / DETECT_SECRETS_BASELINE])
    except BaselineError as exc:
        meta.append(
            Finding(
                check=CHECK_ID,
                rule="secrets.baseline-unreadable",
                severity=Severity.HIGH,
                title="Secrets baseline cannot be read: nothing was accepted",
                message=f"{exc}. Every secret found is reported, including accepted ones.",
                location=Location(path=_relative_or_name(path, base)),
                remediation="Fix or regenerate it with `launchgate secrets --write-baseline`.",
            )
        )
        return Baseline()


def _relative_or_name(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.name


def _not_baselined(
    findings: list[Finding], baseline: Baseline, keys: list[tuple[_Place, str]]
) -> list[Finding]:
    """The findings the baseline does not accept (keys looked up by fingerprint, not scanned
    once per finding: that was quadratic in the number of secrets)."""
    if not len(baseline):
        return findings
    by_fp = {fingerprint_of(CHECK_ID, p.rule, p.path, p.vhash): (p, v) for p, v in keys}
    kept = []
    for finding in findings:
        key = by_fp.get(finding.fingerprint)
        if key is None or not baseline.accepts(key[0].path, key[0].rule, key[1]):
            kept.append(finding)
    return kept


def _configured(_manifest: Any) -> bool:
    return True


def _catalogue(manifest: Manifest) -> list[RuleInfo]:
    """Every detector's title, description and remediation, for SARIF rule help."""
    packs = user_pack_paths(manifest.root, manifest.section("rules").get("packs") or [])
    return [
        RuleInfo(r.id, r.title, r.description, r.remediation, r.severity)
        for r in load_rules(packs).rules
    ]


SPEC = CheckSpec(
    id=CHECK_ID,
    title="Secrets in the tree, the git history and build output",
    run=run,
    configured=_configured,
    rules=lambda manifest: _catalogue(manifest),
)
