"""What a secrets scan read and what it did not: the summary line and the notes about the rest.

Whatever was skipped (binary files, files over the size cap, the part of a line past the line
cap, markers a pull request adds) is said, in the summary and as a finding, never left out.
"""

from __future__ import annotations

from launchgate.findings import Finding, Location, Severity
from launchgate.secretscan.history import HistoryResult
from launchgate.secretscan.patchstream import DEFAULT_LINE_CAP
from launchgate.secretscan.tree import TreeResult

CHECK = "secrets"


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
    out: list[Finding] = []
    for path, size in [*tree.too_large, *bundles.too_large]:
        out.append(
            Finding(
                check=CHECK,
                rule="secrets.file-too-large",
                severity=Severity.INFO,
                title="File too large to scan",
                message=f"{path} ({size:,} bytes) is over the size cap and was not scanned.",
                location=Location(path=path),
                remediation="Raise secrets.max_file_bytes in launchready.yml, or exclude it.",
            )
        )
    if history is not None and history.cut_lines:
        out.append(
            Finding(
                check=CHECK,
                rule="secrets.line-too-long",
                severity=Severity.INFO,
                title="Lines too long to scan whole",
                message=(
                    f"{history.cut_lines} line(s) added in history are longer than "
                    f"{DEFAULT_LINE_CAP:,} bytes; each was scanned up to that length and "
                    f"{history.cut_bytes:,} bytes past it were not scanned."
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
        scopes.append(
            f"history ({what}): {history.commits} commits, {history.added_lines:,} added lines"
        )
    if bundles.files:
        scopes.append(f"build output: {bundles.files} files")
    counts: dict[str, int] = {}
    for f in findings:
        scope = str(f.details.get("scope", ""))
        counts[scope] = counts.get(scope, 0) + 1
    found = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none"
    parts = [f"scanned {'; '.join(scopes)}", f"secrets: {found}"]
    skipped = tree.binary + bundles.binary + (history.binary_files if history else 0)
    if skipped:
        parts.append(f"{skipped} binary files skipped")
    big = len(tree.too_large) + len(bundles.too_large)
    if big:
        parts.append(f"{big} files over the size cap skipped")
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
