"""Select checks, run them concurrently, apply overrides and suppressions, decide the status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import fnmatch
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchgate import __version__
from launchgate.checkapi import CheckContext, CheckError, CheckSpec, Masker
from launchgate.findings import (
    CheckResult,
    Finding,
    Location,
    Report,
    RuleInfo,
    Severity,
    Suppressed,
    dedupe,
    fingerprint_of,
    sort_findings,
)
from launchgate.leakguard import clean_results
from launchgate.manifest import Manifest
from launchgate.overlap import merge_overlaps
from launchgate.registry import NOT_IN_THIS_VERSION, not_in_this_version
from launchgate.store import Store


class UsageError(Exception):
    """The user asked for something that cannot be done (unknown check id...)."""


@dataclass(frozen=True)
class RunOptions:
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    fail_on: Severity | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    errors_fail: bool = True
    state_dir: Path | None = None
    verbose: bool = False
    # Checks the caller already decided not to run (the action's plan), id -> reason.
    skipped: Mapping[str, str] = field(default_factory=dict)


def select_checks(
    registry: Mapping[str, CheckSpec], manifest: Manifest, options: RunOptions
) -> list[CheckSpec]:
    """``--only`` runs exactly those; otherwise every configured, enabled check.

    An id the schema knows but this build lacks is left out (see :func:`skipped_checks`); any
    other unknown id is a usage error, and so is a selection that leaves nothing to run.
    """
    known = list(registry)
    for check_id in (*options.only, *options.skip):
        if check_id not in registry and not not_in_this_version(check_id, registry):
            close = difflib.get_close_matches(check_id, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(
                f"unknown check {check_id!r}{hint}; available: {', '.join(known) or 'none'}"
            )
    if options.only:
        chosen = [registry[c] for c in known if c in options.only]
    else:
        chosen = [spec for spec in registry.values() if _configured(spec, manifest)]
    selected = [spec for spec in chosen if spec.id not in options.skip]
    runnable_only = [c for c in options.only if c in registry]
    if runnable_only and not selected:
        raise UsageError(
            f"--only {','.join(options.only)} --skip {','.join(options.skip)} leaves no check "
            "to run"
        )
    return selected


def _configured(spec: CheckSpec, manifest: Manifest) -> bool:
    return spec.configured(manifest) and bool(manifest.check_options(spec.id).get("enabled", True))


def skipped_checks(
    registry: Mapping[str, CheckSpec], manifest: Manifest, options: RunOptions
) -> dict[str, str]:
    """Checks that do not run, each with the reason a person reads in every report."""
    reasons: dict[str, str] = {}
    for check_id in (*options.only, *options.skip):
        if not_in_this_version(check_id, registry):
            reasons[check_id] = NOT_IN_THIS_VERSION
    if not options.only:
        for spec in registry.values():
            if spec.id in options.skip:
                reasons.setdefault(spec.id, "left out with --skip")
            elif not spec.configured(manifest):
                reasons[spec.id] = "not configured in the manifest"
            elif not _configured(spec, manifest):
                reasons[spec.id] = f"disabled in the manifest (checks.{spec.id}.enabled: false)"
    reasons.update(options.skipped)
    return reasons


def _as_result(check_id: str, value: Any) -> CheckResult:
    if isinstance(value, CheckResult):
        return value
    if value is None:
        return CheckResult(check=check_id)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        findings = tuple(value)
        strays = {type(f).__name__ for f in findings if not isinstance(f, Finding)}
        if not strays:
            return CheckResult(check=check_id, findings=findings)
        raise TypeError(f"check {check_id!r} returned {', '.join(sorted(strays))} among findings")
    raise TypeError(f"check {check_id!r} returned {type(value).__name__}, not a CheckResult")


def _run_one(spec: CheckSpec, ctx: CheckContext, verbose: bool) -> CheckResult:
    started = time.perf_counter()
    try:
        result = _as_result(spec.id, spec.run(ctx))
    except CheckError as exc:
        result = CheckResult(check=spec.id, error=str(exc))
    except Exception as exc:  # a bug in a check must not take the gate down with a traceback
        detail = (
            "".join(traceback.format_exception(exc)) if verbose else f"{type(exc).__name__}: {exc}"
        )
        result = CheckResult(check=spec.id, error=f"internal error: {detail}")
    elapsed = int((time.perf_counter() - started) * 1000)
    return dataclasses.replace(result, check=spec.id, duration_ms=result.duration_ms or elapsed)


def _override_severity(finding: Finding, overrides: Mapping[str, str]) -> Finding:
    for pattern, word in overrides.items():
        if fnmatch.fnmatchcase(finding.rule, pattern):
            return dataclasses.replace(finding, severity=Severity(word))
    return finding


def _run_concurrently(
    specs: list[CheckSpec],
    contexts: Mapping[str, CheckContext],
    manifest: Manifest,
    verbose: bool,
) -> dict[str, CheckResult]:
    """One daemon thread per check, each with its own deadline from the common start.

    Daemon threads, not an executor: a check stuck past its timeout must not keep the process
    alive at exit (executor threads are joined at interpreter shutdown).
    """
    results: dict[str, CheckResult] = {}
    threads: dict[str, threading.Thread] = {}
    for spec in specs:

        def work(spec: CheckSpec = spec) -> None:
            results[spec.id] = _run_one(spec, contexts[spec.id], verbose)

        threads[spec.id] = threading.Thread(target=work, name=f"check-{spec.id}", daemon=True)
        threads[spec.id].start()
    started = time.monotonic()
    for spec in specs:
        timeout = manifest.check_options(spec.id).get("timeout_s")
        remaining = (
            None if timeout is None else max(0.0, started + float(timeout) - time.monotonic())
        )
        try:
            threads[spec.id].join(remaining)
        except KeyboardInterrupt:
            # SIGINT, or SIGTERM turned into one by the CLI: what finished is reported, what
            # did not is an error (never a pass), and the caller decides the exit code.
            for unfinished in specs:
                results.setdefault(
                    unfinished.id,
                    CheckResult(check=unfinished.id, error="interrupted before it finished"),
                )
            return dict(results)
        if spec.id not in results:
            results[spec.id] = CheckResult(
                check=spec.id,
                error=f"timed out after {timeout} s (checks.{spec.id}.timeout_s)",
                duration_ms=int(float(timeout or 0) * 1000),
            )
    return results


def run_gate(
    manifest: Manifest,
    root: Path,
    options: RunOptions,
    registry: Mapping[str, CheckSpec],
    masker: Masker | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run the selected checks (concurrently: most are I/O-bound) and build the report."""
    specs = select_checks(registry, manifest, options)
    masker = masker or Masker()
    state_dir = options.state_dir or manifest.root / str(
        manifest.data.get("state_dir", ".launchgate")
    )
    store = Store(state_dir)
    contexts = {
        spec.id: CheckContext(
            root=root,
            manifest=manifest,
            store=store,
            params=options.params,
            masker=masker,
            progress=progress or (lambda _m: None),
        )
        for spec in specs
    }
    # Timing checks (perf) run afterwards and alone: sharing the CPU with a history scan or the
    # server with smoke requests would show up as latency that the release does not have.
    shared = [spec for spec in specs if not spec.alone]
    results = _run_concurrently(shared, contexts, manifest, options.verbose)
    for spec in specs:
        if spec.alone:
            results.update(_run_concurrently([spec], contexts, manifest, options.verbose))

    fail_on = options.fail_on or manifest.fail_on
    ordered: list[CheckResult] = []
    cleaned = clean_results([results[spec.id] for spec in specs], masker)
    for spec, result in zip(specs, cleaned, strict=True):
        overrides = manifest.check_options(spec.id).get("severity") or {}
        if overrides:
            findings = tuple(_override_severity(f, overrides) for f in result.findings)
            result = dataclasses.replace(result, findings=findings)
        ordered.append(result)
    ordered = merge_overlaps(ordered)  # after overrides: the worst finding is the one kept
    for check_id, reason in skipped_checks(registry, manifest, options).items():
        if check_id not in results:
            ordered.append(CheckResult(check=check_id, summary=reason, skipped=True))
    if not options.only:
        unchecked = unchecked_sections(manifest, registry)
        if unchecked:
            ordered.append(CheckResult(check="manifest", findings=tuple(unchecked)))
    return build_report(
        manifest, ordered, fail_on, options.errors_fail, rules=_rule_catalogue(specs, manifest)
    )


def _domain_records(manifest: Manifest) -> bool:
    domains = manifest.data.get("domains") or []
    return any(isinstance(d, Mapping) and "expect" in d for d in domains)


# What a manifest can declare, the checks that read it, and whether this manifest declares it.
# smoke reads routes and, of domains, redirect_to, https and tls; their records need dns.
SECTION_CHECKS: tuple[tuple[str, tuple[str, ...], Callable[[Manifest], bool]], ...] = (
    ("routes", ("smoke", "perf"), lambda m: m.has("routes")),
    ("domains", ("smoke", "dns"), lambda m: m.has("domains")),
    ("domains[].expect", ("dns",), _domain_records),
    ("email", ("dns",), lambda m: m.has("email")),
)


def unchecked_sections(manifest: Manifest, registry: Mapping[str, CheckSpec]) -> list[Finding]:
    """Say so when the manifest declares something no check of this build looks at: a gate that
    silently ignores declared routes would pass a broken launch."""
    findings = []
    for section, checks, declared in SECTION_CHECKS:
        if declared(manifest) and not any(c in registry for c in checks):
            names = " and ".join(checks)
            findings.append(
                Finding(
                    check="manifest",
                    rule="manifest.unchecked-section",
                    severity=Severity.INFO,
                    title=f"{section}: declared, but not checked by this launchgate version",
                    message=(
                        f"The manifest declares {section}, which the {names} check(s) read; "
                        "this version does not have them yet, so nothing about them was checked."
                    ),
                    location=Location(path=manifest.path.name),
                    remediation="Upgrade launchgate when it ships these checks.",
                    fingerprint=fingerprint_of("manifest", "unchecked-section", section),
                )
            )
    return findings


def _rule_catalogue(specs: Iterable[CheckSpec], manifest: Manifest) -> dict[str, RuleInfo]:
    """Rule descriptions from every check that ran; a check that cannot list them adds none."""
    catalogue: dict[str, RuleInfo] = {}
    for spec in specs:
        try:
            catalogue.update((info.id, info) for info in spec.rules(manifest))
        except Exception:  # noqa: S112 - a broken rule pack already errors the check itself
            continue
    return catalogue


def build_report(
    manifest: Manifest,
    results: list[CheckResult],
    fail_on: Severity,
    errors_fail: bool = True,
    today: dt.date | None = None,
    rules: Mapping[str, RuleInfo] | None = None,
) -> Report:
    """De-duplicate by fingerprint, apply the manifest's suppressions, and assemble the report."""
    today = today or dt.date.today()
    kept_results: list[CheckResult] = []
    suppressed: list[Suppressed] = []
    # One finding per fingerprint across all checks: the most severe, else the first reported.
    best = {f.fingerprint: f for f in dedupe(f for r in results for f in r.findings)}
    for result in results:
        kept: list[Finding] = []
        for finding in result.findings:
            if best.get(finding.fingerprint) is not finding:
                continue
            del best[finding.fingerprint]
            rule = next(
                (
                    s
                    for s in manifest.suppressions
                    if s.matches(finding.fingerprint, finding.rule, finding.location.path, today)
                ),
                None,
            )
            if rule is not None:
                suppressed.append(Suppressed(finding=finding, reason=rule.reason))
            else:
                kept.append(finding)
        kept_results.append(dataclasses.replace(result, findings=tuple(sort_findings(kept))))
    findings = sort_findings(f for r in kept_results for f in r.findings)
    return Report(
        tool_version=__version__,
        fail_on=fail_on,
        checks=tuple(kept_results),
        findings=tuple(findings),
        suppressed=tuple(suppressed),
        errors_fail=errors_fail,
        rules=dict(rules or {}),
    )
