"""What a secrets scan read and what it did not: the summary line and the notes about the rest.

Whatever was skipped (binary files, files over the size cap, the part of a line past the line
cap, markers a pull request adds) is said, in the summary and as a finding, never left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from launchgate.findings import Finding, Location, Severity
from launchgate.secretscan.bigblobs import BigFile
from launchgate.secretscan.history import HistoryResult
from launchgate.secretscan.patchstream import DEFAULT_LINE_CAP
from launchgate.secretscan.tree import TreeResult

CHECK = "secrets"
# Not info: a pull request could otherwise hide a secret past a cap and pass unseen. Medium shows
# in every report without failing the default gate (fail_on: high); overridable like any finding.
SKIPPED_SEVERITY = Severity.MEDIUM
_WHY_MEDIUM = (
    "A secret in what was not scanned would pass unseen, so this is medium, not info; to fail "
    "the gate on it, set checks.secrets.severity in launchready.yml (or fail_on: medium)."
)
_SHOWN_COMMITS = 3


@dataclass
class Oversized:
    """One path over the per-file cap, in the tree, build output and/or history."""

    path: str
    size: int = 0
    scopes: list[str] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)  # history: the commits that added it
    versions: set[str] = field(default_factory=set)  # history: distinct blobs

    def add(self, scope: str, size: int) -> None:
        if scope not in self.scopes:
            self.scopes.append(scope)
        self.size = max(self.size, size)


def oversized(
    tree: Sequence[tuple[str, int]],
    bundles: Sequence[tuple[str, int]] = (),
    history: Sequence[BigFile] = (),
) -> list[Oversized]:
    """Every path over the cap, once, wherever it was seen (a 100 MB file still in the tree is
    in history too: one finding, not two)."""
    by_path: dict[str, Oversized] = {}
    for scope, files in (("tree", tree), ("build output", bundles)):
        for path, size in files:
            by_path.setdefault(path, Oversized(path)).add(scope, size)
    # git lists commits newest first: the oldest commit with a blob is the one that added it
    for big in reversed(history):
        entry = by_path.setdefault(big.path, Oversized(big.path))
        entry.add(big.where, big.size)
        if big.where == "history" and big.blob not in entry.versions:
            entry.versions.add(big.blob)
            entry.commits.append(big.commit)
    return list(by_path.values())


def too_large_finding(big: Oversized) -> Finding:
    where = [s for s in big.scopes if s != "history"]
    if "history" in big.scopes:
        shown = ", ".join(c[:12] for c in big.commits[:_SHOWN_COMMITS])
        hidden = len(big.commits) - _SHOWN_COMMITS
        more = f" and {hidden} more" if hidden > 0 else ""
        where.append(f"history ({len(big.versions)} version(s), added in {shown}{more})")
    return Finding(
        check=CHECK,
        rule="secrets.file-too-large",
        severity=SKIPPED_SEVERITY,
        title="File too large to scan",
        message=f"{big.path} ({big.size:,} bytes) is over the size cap (secrets.max_file_bytes) "
        f"and was not scanned in {' and '.join(where)}. {_WHY_MEDIUM}",
        location=Location(path=big.path),
        remediation=f"Scan it: raise secrets.max_file_bytes above {big.size:,} in "
        "launchready.yml (one cap for the tree and every commit of history) and run again; "
        "or, if it can never hold a credential, add it to secrets.exclude.",
        details={
            "not_scanned_in": big.scopes,  # not "scope": that names where a secret was found
            "bytes": big.size,
            **({"commits": big.commits[:_SHOWN_COMMITS]} if big.commits else {}),
        },
    )


def inline_markers_added(count: int) -> Finding:
    return Finding(
        check=CHECK,
        rule="secrets.inline-allowlist-added",
        severity=Severity.INFO,
        title="Secrets silenced by inline markers this pull request adds",
        message=f"{count} secret(s) in lines this pull request adds are silenced by an inline "
        "'pragma: allowlist secret' marker; each one deserves a reviewer's look.",
        remediation="Confirm each marked value is not a real credential, or remove the marker.",
    )


def coverage_notes(
    tree: TreeResult, bundles: TreeResult, history: HistoryResult | None
) -> list[Finding]:
    """What was not read: files over the size cap, the rest of lines over the line cap."""
    skipped = history.too_large if history is not None else []
    out = [too_large_finding(s) for s in oversized(tree.too_large, bundles.too_large, skipped)]
    if history is not None and history.cut_lines:
        out.append(
            Finding(
                check=CHECK,
                rule="secrets.line-too-long",
                severity=SKIPPED_SEVERITY,
                title="Lines too long to scan whole",
                message=(
                    f"{history.cut_lines} line(s) added in history are longer than "
                    f"{DEFAULT_LINE_CAP:,} bytes; each was scanned up to that length and "
                    f"{history.cut_bytes:,} bytes past it were not scanned. {_WHY_MEDIUM}"
                ),
                remediation=(
                    "Find them with `git log -p` (minified or generated files): if they were "
                    "never meant to be committed, exclude their paths in secrets.exclude."
                ),
                details={"lines": history.cut_lines, "bytes_not_scanned": history.cut_bytes},
            )
        )
    return out


def summary_line(
    tree: TreeResult,
    bundles: TreeResult,
    history: HistoryResult | None,
    findings: list[Finding],
    accepted: int,
    baseline_size: int,
    notes: list[str],
    since: str | None,
) -> str:
    scopes = [f"tree: {tree.files} files"]
    if history is not None:
        what = f"range {since}" if since else "all refs"
        read = (
            f"{history.file_versions:,} file versions"
            if history.file_versions
            else f"{history.added_lines:,} added lines"
        )
        scopes.append(f"history ({what}): {history.commits} commits, {read}")
    if bundles.files:
        scopes.append(f"build output: {bundles.files} files")
    counts: dict[str, int] = {}
    for f in findings:
        scope = str(f.details.get("scope", ""))
        counts[scope] = counts.get(scope, 0) + 1
    found = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"
    parts = [f"scanned {'; '.join(scopes)}", f"secrets: {found}"]
    binary = [
        f"{n} in {where}"
        for n, where in (
            (tree.binary, "the tree"),
            (bundles.binary, "build output"),
            (history.binary_files if history else 0, "history"),
        )
        if n
    ]
    if binary:  # by place: an image in the tree is a version in history too (one sum: twice)
        parts.append("binary files skipped: " + ", ".join(binary))
    big = oversized(tree.too_large, bundles.too_large, history.too_large if history else [])
    if big:
        parts.append(f"{len(big)} files over the size cap skipped")
    if history is not None and history.cut_lines:
        parts.append(f"{history.cut_lines} over-long lines scanned in part")
    inline = tree.inline_suppressed + bundles.inline_suppressed
    inline += history.inline_suppressed if history else 0
    if inline:
        parts.append(f"{inline} allowed by inline markers")
    if accepted:
        parts.append(f"{accepted} accepted by the baseline")
    elif baseline_size:
        parts.append("baseline loaded")
    if tree.submodules:
        parts.append(f"{len(tree.submodules)} submodule(s) not followed")
    parts.extend(notes)
    return "; ".join(parts)
