"""History git could not read is never a clean scan: one finding that says how much and why.

A partial clone (``--filter=blob:none``, or ``filter:`` in actions/checkout) has no file contents
for most of its history, and a repository with a deleted or corrupt object cannot show the
commits that need it. Either way those commits were not checked for secrets, so the gate must
not pass quietly: the finding is ``high`` (a severity override can lower it knowingly).
"""

from __future__ import annotations

from dataclasses import dataclass

from launchgate.findings import Finding, Location, Severity

RULE = "secrets.history-incomplete"
SEVERITY = Severity.HIGH


@dataclass(frozen=True)
class Unreadable:
    """What could not be read: ``skipped`` of ``total`` commits, ``missing`` objects."""

    skipped: int
    total: int
    missing: int
    partial: bool  # a partial clone (objects left on a promisor remote), not a damaged one
    first: str  # one skipped commit, to show where
    reason: str  # git's own message


def how_much(u: Unreadable) -> str:
    """``3 of 12 commits (25%) not scanned, 7 objects missing`` (the summary's note too)."""
    share = f" ({u.skipped * 100 // u.total}%)" if u.total else ""
    text = f"{u.skipped} of {u.total} commit(s){share} not scanned"
    if u.missing:
        text += f", {u.missing} object(s) missing"
    return text


def remediation(partial: bool) -> str:
    if partial:
        return (
            "This is a partial clone: fetch every commit with its files before scanning. In "
            "GitHub Actions use actions/checkout with `fetch-depth: 0` and no `filter:` input; "
            "locally clone again without `--filter` (or run `git config --unset "
            "remote.origin.partialclonefilter` then `git fetch --refetch`)."
        )
    return (
        "Objects are missing or corrupt: `git fsck --full` names them. Clone the repository "
        "again from its remote (in GitHub Actions, actions/checkout with `fetch-depth: 0`), "
        "or fetch the missing objects, then scan again."
    )


def unreadable_finding(u: Unreadable) -> Finding:
    cause = "a partial clone" if u.partial else "missing or corrupt objects"
    return Finding(
        check="secrets",
        rule=RULE,
        severity=SEVERITY,
        title="History not fully scanned: git could not read some commits",
        message=(
            f"{how_much(u)}: git could not read them ({cause}), so any secret they added was "
            f"not checked. git said: {u.reason}"
        ),
        location=Location(commit=u.first),
        remediation=remediation(u.partial),
        details={
            "skipped_commits": u.skipped,
            "commits": u.total,
            "missing_objects": u.missing,
            "partial_clone": u.partial,
        },
    )
