"""The history scope of the secrets check: which commits a run covers (every ref, or a range
from ``--since`` or an event), scanning them with their messages and tags, and saying what a
shallow or partial clone left unscanned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from launchgate.checkapi import CheckContext, CheckError
from launchgate.findings import Finding, Severity
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitmeta import MessageLog, scan_tags
from launchgate.secretscan.gitrepo import (
    GitError,
    RepoInfo,
    count_missing_objects,
    list_commits,
    run_git,
)
from launchgate.secretscan.history import HistoryResult, scan_history
from launchgate.secretscan.listing import EarlyListing
from launchgate.secretscan.merging import CHECK_ID
from launchgate.secretscan.unreadable import Unreadable, how_much, unreadable_finding
from launchgate.secretscan.versionscan import scan_versions

_ZERO_SHA = re.compile(r"^0{40}$|^0{64}$")


def revs_for(since: str | None) -> list[str]:
    if not since:
        return ["--all"]
    if ".." in since:
        base, _, head = since.partition("...") if "..." in since else since.partition("..")
        head = head or "HEAD"
        if not base or _ZERO_SHA.match(base):
            return [head]  # a new branch pushed: everything it carries
        return [f"{base}..{head}"]
    return [f"{since}..HEAD"]


def scan_history_scope(
    ctx: CheckContext,
    info: RepoInfo,
    since: str | None,
    detector: Detector,
    packs: Sequence[Path],
    pathspecs: Sequence[str],
    notes: list[str],
    meta: list[Finding],
    max_bytes: int,
    early: EarlyListing | None = None,
) -> tuple[HistoryResult | None, dict[str, int]]:
    """Every commit the scope names (all refs, or ``since``), their messages and tags; what
    could not be read is a finding, and a shallow clone says so. ``early``: every ref's
    listing, started before the tree was read."""
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
    revs = revs_for(since)
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
        listing = early.result() if early is not None and revs == ["--all"] else None
        commits = listing.commits if listing is not None else list_commits(info.toplevel, revs)
    except GitError as exc:
        raise CheckError(f"git rev-list {' '.join(revs)}: {exc}") from None
    ctx.progress(f"secrets: history {len(commits)} commits")
    messages = MessageLog(info.toplevel, commits, info.promisor)  # git runs alongside
    try:
        result = None
        if since is None and info.promisor is None:  # every ref of a complete clone
            listed = (listing.versions, listing.big) if listing is not None else None
            result = scan_versions(
                info.toplevel,
                commits,
                detector,
                packs,
                pathspecs,
                max_bytes,
                None,
                ctx.progress,
                listed,
            )
        if result is None:
            result = scan_history(
                info.toplevel,
                commits,
                detector,
                packs,
                info.promisor,
                progress=ctx.progress,
                pathspecs=pathspecs,
                max_bytes=max_bytes,
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
    _scan_git_text(ctx, info, messages, detector, result, since is None, max_bytes)
    return result, {sha: i for i, sha in enumerate(commits)}


def _scan_git_text(
    ctx: CheckContext,
    info: RepoInfo,
    messages: MessageLog,
    detector: Detector,
    result: HistoryResult,
    tags: bool,
    max_bytes: int,
) -> None:
    """Commit messages of the scanned commits and, for every ref, tags' messages and blobs."""
    ctx.progress("secrets: commit messages and tags")
    parts = [messages.scan(detector)]
    if tags:
        parts.append(scan_tags(info.toplevel, detector, max_bytes))
    for part in parts:
        result.hits.extend(part.hits)
        result.metas.update(part.metas)
        result.too_large.extend(part.too_large)  # a tagged blob over the cap: named, not read


def _resolves(root: Path, rev: str) -> bool:
    return run_git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode == 0
