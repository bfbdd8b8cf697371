"""Hits into findings: one finding per secret per place (tree, history, build output, staged),
told where it came from, with the severity its place deserves and words that say why."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from launchgate.findings import (
    INTRODUCED_IN_RANGE,
    Finding,
    Location,
    Severity,
    fingerprint_of,
)
from launchgate.redact import redact, value_hash
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.gitwalk import CommitMeta
from launchgate.secretscan.history import HistoryResult
from launchgate.secretscan.tree import FileHit, TreeResult, excluded

CHECK_ID = "secrets"
_SCOPE_TITLES = {"bundle": "build output", "staged": "staged changes"}
_CLIENT_EXT = (".js", ".mjs", ".cjs", ".map", ".html", ".htm", ".css", ".json", ".txt", ".wasm")


@dataclass(frozen=True)
class Place:
    """One secret in one place: the unit of a finding."""

    path: str
    rule: str
    vhash: str


@dataclass
class Seen:
    value: str
    line: int
    column: int
    commit: CommitMeta | None = None
    order: int = -1  # position in rev-list order: larger is older
    occurrences: int = 1
    path: str = ""


def merge_hits(
    tree: TreeResult,
    bundles: TreeResult,
    history: HistoryResult | None,
    order: Mapping[str, int],
    detector: Detector,
    exclude: Sequence[str],
    unread: set[str],
) -> tuple[list[Finding], list[tuple[Place, str]]]:
    """One finding per secret per place; history tells tree findings where they came from."""
    in_tree = _by_place(tree.hits)
    tree_values = {(place.rule, place.vhash) for place in in_tree}

    past: dict[Place, Seen] = {}
    introduced: dict[tuple[str, str], Seen] = {}
    if history is not None:
        for raw in history.hits:
            if excluded(raw.path, exclude):
                continue
            place = Place(raw.path, raw.rule, value_hash(raw.value))
            meta = history.metas.get(raw.commit)
            rank = order.get(raw.commit, -1)
            seen = Seen(raw.value, raw.line, raw.column, meta, rank, path=raw.path)
            old = past.get(place)
            if old is None or rank > old.order:
                if old is not None:
                    seen.occurrences += old.occurrences
                past[place] = seen
            else:
                old.occurrences += 1
            first = introduced.get((raw.rule, place.vhash))
            # One commit may add it at two paths: the first path by name, whatever the order
            # the hits came in (the two history scanners read files in different orders).
            if first is None or (rank, first.path, first.line) > (
                first.order,
                seen.path,
                seen.line,
            ):
                introduced[(raw.rule, place.vhash)] = seen

    findings: list[Finding] = []
    keys: list[tuple[Place, str]] = []
    for place, seen in in_tree.items():
        origin = introduced.get((place.rule, place.vhash))
        findings.append(secret_finding(place, seen, "tree", origin, detector))
        keys.append((place, seen.value))
    # Files present but not read (over the size cap; HEAD of a bare clone): a secret history puts
    # in one is treated as still there (the safe assumption), not downgraded to history-only.
    for place, seen in past.items():
        if place in in_tree or (place.rule, place.vhash) in tree_values:
            continue  # still in the tree (maybe moved): reported there, with its origin
        scope = "tree" if place.path in unread else "history"
        findings.append(secret_finding(place, seen, scope, seen, detector))
        keys.append((place, seen.value))
    for place, seen in _by_place(bundles.hits).items():
        origin = introduced.get((place.rule, place.vhash))
        findings.append(secret_finding(place, seen, "bundle", origin, detector))
        keys.append((place, seen.value))
    return findings, keys


def _by_place(hits: Sequence[FileHit]) -> dict[Place, Seen]:
    """The first hit of each place (in read order), counting the others as occurrences."""
    seen: dict[Place, Seen] = {}
    for hit in hits:
        place = Place(hit.path, hit.rule, value_hash(hit.value))
        if place in seen:
            seen[place].occurrences += 1
        else:
            seen[place] = Seen(hit.value, hit.line, hit.column)
    return seen


def mark_range(finding: Finding) -> Finding:
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
        # Shipped, so a medium one is high; a blocker stays a blocker wherever it ships.
        return Severity.HIGH if base is Severity.MEDIUM else base
    return base


def secret_finding(
    place: Place, seen: Seen, scope: str, origin: Seen | None, detector: Detector
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
