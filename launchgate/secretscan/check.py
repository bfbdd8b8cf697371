"""The ``secrets`` check: scopes, merging hits into one finding per secret per place, baseline.

Default scope (no manifest, no flags) is the tree plus every commit on every ref, plus build
output. A secret found in history and still in the tree is one finding (in the tree, with the
commit that introduced it); one deleted since is a history finding that still says "rotate".
"""

from __future__ import annotations

import dataclasses
import glob
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from launchgate.checkapi import CheckContext, CheckError, CheckSpec
from launchgate.findings import (
    CheckResult,
    Finding,
    Location,
    RuleInfo,
    Severity,
    fingerprint_of,
)
from launchgate.manifest import Manifest
from launchgate.redact import value_hash
from launchgate.secretscan.baseline import (
    DEFAULT_BASELINE,
    DETECT_SECRETS_BASELINE,
    Baseline,
    BaselineError,
    load_baseline,
    write_baseline,
)
from launchgate.secretscan.bigblobs import literal_excludes, plan_staged
from launchgate.secretscan.blobs import scan_blobs
from launchgate.secretscan.coverage import (
    coverage_notes,
    inline_markers_added,
    oversized,
    summary_line,
    too_large_finding,
)
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.engine import EngineError
from launchgate.secretscan.gitrepo import (
    RepoInfo,
    exclude_pathspecs,
    inspect_repo,
    run_git,
)
from launchgate.secretscan.gitwalk import scan_staged
from launchgate.secretscan.history import HistoryResult
from launchgate.secretscan.historyscope import scan_history_scope
from launchgate.secretscan.listing import EarlyListing
from launchgate.secretscan.merging import (
    CHECK_ID,
    Place,
    Seen,
    mark_range,
    merge_hits,
    secret_finding,
)
from launchgate.secretscan.pool import release_spares
from launchgate.secretscan.proof import unproven
from launchgate.secretscan.rules import RulePackError, load_rules, user_pack_paths
from launchgate.secretscan.tree import (
    BUNDLE_MIN_CAP,
    DEFAULT_BUNDLES,
    bundle_files,
    excluded,
    git_tree_files,
    head_files,
    scan_files,
    walk_files,
)

DEFAULT_MAX_FILE_BYTES = 2_000_000


def run(ctx: CheckContext) -> CheckResult:
    """Scan, then give paths relative to ``ctx.root`` like every check (git gives them from the
    top level; fingerprints and the baseline keep the top-level form, stable wherever it runs)."""
    try:
        result = _scan(ctx)
    finally:
        release_spares()  # a worker started early for a history that never needed it
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
    whole_history = want_history and not since and not staged
    early = (  # every ref of a complete clone is listed while the tree is read (listing.py)
        EarlyListing(info.toplevel, packs, pathspecs, max_bytes)
        if whole_history and info is not None and info.has_commits and info.promisor is None
        else None
    )
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
        history, order = scan_history_scope(
            ctx, info, since, detector, packs, pathspecs, notes, meta, max_bytes, early
        )

    unread = {path for path, _size in tree.too_large}
    if info is not None and info.bare:
        unread |= head_files(info.toplevel)  # files of HEAD, present but never read as a tree
    findings, keys = merge_hits(tree, bundles, history, order, detector, exclude, unread)
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
        kept = [mark_range(f) for f in kept]

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


def _write(path: Path, keys: list[tuple[Place, str]], started: float) -> CheckResult:
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
    cap = _max_bytes(ctx)
    big = plan_staged(info.toplevel, cap, pathspecs)  # files over the cap: git never diffs them
    skipped = sorted({path for paths in big.skip.values() for path in paths})
    batch = scan_staged(info.toplevel, detector, [*pathspecs, *literal_excludes(skipped)])
    if batch.failed is not None:
        raise CheckError(f"git diff --cached: {batch.failed}")
    batch.binary_blobs.extend(big.whole)
    batch.binary_files += len(big.whole)
    staged_blobs = scan_blobs(info.toplevel, batch.binary_blobs, detector, cap)
    batch.hits.extend(staged_blobs.hits)
    batch.binary_files -= staged_blobs.text_files
    seen: dict[Place, Seen] = {}
    for raw in batch.hits:
        if excluded(raw.path, exclude):
            continue
        place = Place(raw.path, raw.rule, value_hash(raw.value))
        if place in seen:
            seen[place].occurrences += 1
        else:
            seen[place] = Seen(raw.value, raw.line, raw.column, path=raw.path)
    keys = [(place, s.value) for place, s in seen.items()]
    findings = [secret_finding(place, s, "staged", None, detector) for place, s in seen.items()]
    for _place, value in keys:
        ctx.masker.add(value)
    baseline_path = _baseline_path(ctx, info.toplevel)
    if ctx.params.get("write_baseline"):
        return _write(baseline_path, keys, started)
    too_large = oversized([], [], [*big.too_large, *staged_blobs.too_large])
    unreadable: list[Finding] = [too_large_finding(o) for o in too_large]
    baseline = _load_baseline(baseline_path, info.toplevel, unreadable)
    kept = _not_baselined(findings, baseline, keys)
    parts = [
        f"scanned staged changes: {batch.added_lines:,} added lines",
        f"secrets: {len(kept) or 'none'}",
    ]
    if batch.binary_files:
        parts.append(f"{batch.binary_files} binary files skipped")
    if too_large:
        parts.append(f"{len(too_large)} files over the size cap skipped")
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
    findings: list[Finding], baseline: Baseline, keys: list[tuple[Place, str]]
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
