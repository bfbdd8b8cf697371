"""The registered ``env`` check: plan environments, read their sources, mask, evaluate, scan code.

``launchgate env [--environment NAME]`` runs it with ``params["environment"]``. Without a name it
checks every environment the manifest declares (or, when none is declared, the process
environment as one unnamed environment).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from launchgate.checkapi import CheckContext, CheckError, CheckSpec, Masker
from launchgate.envcheck.catalogue import RULES
from launchgate.envcheck.codescan import scan_tree
from launchgate.envcheck.crossenv import run_digest, same_secret_findings
from launchgate.envcheck.drift import undeclared_reads, unused_declarations
from launchgate.envcheck.evaluate import CHECK, Sighting, evaluate_environment
from launchgate.envcheck.exposure import exposed_reads, exposed_values
from launchgate.envcheck.frameworks import implicit_reads
from launchgate.envcheck.masking import mask_value
from launchgate.envcheck.sources import (
    PROCESS,
    DotenvFile,
    EnvironmentValues,
    Plan,
    load_environment,
    plan_sources,
)
from launchgate.envcheck.spec import VarSpec, declaration_lines, declared_vars, looks_secret
from launchgate.envcheck.values import PLACEHOLDER, ValueRule, load_rules
from launchgate.findings import CheckResult, Finding, Location, Severity, fingerprint_of
from launchgate.manifest import Manifest

SOURCE_MISSING = "env.source-missing"
SOURCE_UNREADABLE = "env.source-unreadable"
DOTENV_SYNTAX = "env.dotenv-syntax"
_PRODUCTION_NAMES = ("production", "prod")


def plan_environments(manifest: Manifest, selected: str | None) -> list[Plan]:
    """The environments this run checks, each with its ordered source list."""
    section = manifest.section("env")
    shared = [str(s) for s in section.get("sources", [PROCESS])]
    declared = manifest.environments
    if selected:
        if declared:
            if selected not in declared:
                prefixed = [n for n in declared if n.lower().startswith(selected.lower())]
                close = prefixed or difflib.get_close_matches(selected, list(declared), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise CheckError(
                    f"unknown environment {selected!r}{hint}; the manifest declares: "
                    f"{', '.join(declared)}"
                )
            env = declared[selected]
            return [Plan(env.name, env.production, plan_sources(shared, env.env_files))]
        return [Plan(selected, selected.lower() in _PRODUCTION_NAMES, plan_sources(shared, ()))]
    if declared:
        return [
            Plan(e.name, e.production, plan_sources(shared, e.env_files)) for e in declared.values()
        ]
    return [Plan(None, False, plan_sources(shared, ()))]


def _comparison_plans(manifest: Manifest, checked: Iterable[Plan]) -> list[Plan]:
    """Other declared environments, read from their files only, to compare secrets against."""
    names = {p.name for p in checked}
    shared = [s for s in manifest.section("env").get("sources", [PROCESS]) if s != PROCESS]
    return [
        Plan(e.name, e.production, plan_sources(shared, e.env_files))
        for e in manifest.environments.values()
        if e.name not in names
    ]


def _mask_environment(
    masker: Masker,
    values: EnvironmentValues,
    specs: Sequence[VarSpec],
    rules: Sequence[ValueRule],
) -> None:
    """Register every sensitive value this environment exposes to the check, before any use;
    placeholders (by the value packs' placeholder rules) protect nothing and are not masked."""
    secret = {s.name: s.secret for s in specs}
    placeholders = [r for r in rules if r.category == PLACEHOLDER]

    def is_secret(name: str) -> bool:
        return secret.get(name, looks_secret(name))

    def mask(name: str, value: str | None) -> None:
        def placeholder(text: str) -> bool:
            return any(r.matches(name, text, True) for r in placeholders)

        mask_value(masker, value, is_secret(name), placeholder)

    names = {s.name for s in specs} | {s.required_if for s in specs if s.required_if}
    for name in sorted(names):
        found = values.get(name)
        if found is not None:
            mask(name, found.value)
    for dotenv in values.files:
        for found in dotenv.values.values():
            mask(found.name, found.value)


def _source_findings(plan: Plan, values: EnvironmentValues) -> list[Finding]:
    """Problems with the sources themselves: absent, unreadable, or lines python-dotenv skipped."""
    out: list[Finding] = []
    env = plan.label()
    nothing_readable = not values.sources()
    for dotenv in values.files:
        path = str(dotenv.ref.path)
        if not dotenv.exists or dotenv.unreadable is not None:
            rule = SOURCE_UNREADABLE if dotenv.exists else SOURCE_MISSING
            severity = Severity.HIGH if nothing_readable or dotenv.exists else Severity.LOW
            why = "does not exist" if not dotenv.exists else f"cannot be read ({dotenv.unreadable})"
            consequence = (
                "no source of this environment could be read, so none of its variables was seen"
                if nothing_readable
                else "variables only it would set are reported as missing"
            )
            out.append(
                Finding(
                    check=CHECK,
                    rule=rule,
                    severity=severity,
                    title=f"{path} {why.split(' (')[0]} ({env})",
                    message=f"{path}, a source of {env}, {why}; {consequence}.",
                    location=Location(path=path),
                    remediation=(
                        f"Create {path} or remove it from the env_files of {env} in "
                        "launchready.yml (in CI, values usually come from the process environment)."
                    ),
                    fingerprint=fingerprint_of(CHECK, rule, plan.name or "", path),
                    details={"environment": plan.name, "source": path},
                )
            )
        for line in dotenv.bad_lines:
            out.append(_syntax_finding(dotenv, line))
    return out


def _syntax_finding(dotenv: DotenvFile, line: int) -> Finding:
    path = str(dotenv.ref.path)
    return Finding(
        check=CHECK,
        rule=DOTENV_SYNTAX,
        severity=Severity.MEDIUM,
        title=f"{path}:{line} cannot be parsed",
        message=(
            f"Line {line} of {path} is not a valid dotenv binding; python-dotenv skips it, so any "
            "variable it was meant to set is not set (the line is not shown: it may hold a value)."
        ),
        location=Location(path=path, line=line),
        remediation="Write it as NAME=value, quoting values that contain spaces or #.",
        fingerprint=fingerprint_of(CHECK, DOTENV_SYNTAX, path, line),
        details={"source": path},
    )


def _declared_locations(manifest: Manifest, root: Any) -> dict[int, Location]:
    try:
        text = manifest.path.read_text("utf-8-sig")
        shown = manifest.path.resolve().relative_to(root.resolve()).as_posix()
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return {i: Location(path=shown, line=line) for i, line in declaration_lines(text).items()}


def _drift(
    ctx: CheckContext, specs: Sequence[VarSpec], declared_at: Mapping[int, Location]
) -> tuple[list[Finding], str]:
    section = ctx.section("env")
    if not section.get("scan_code", True):
        return [], "code scan off"
    ctx.progress("env: scanning code for variable reads")
    scan = scan_tree(ctx.root, [str(p) for p in section.get("code_paths") or []])
    findings = undeclared_reads(scan.reads, specs, [str(p) for p in section.get("ignore") or []])
    findings += exposed_reads(scan.reads)
    if scan.files:
        findings += unused_declarations(scan.reads, specs, declared_at, implicit_reads(ctx.root))
    return findings, f"{scan.files} code file(s) scanned, {len(scan.reads)} read(s) found"


def check_env(ctx: CheckContext, environ: Mapping[str, str] | None = None) -> CheckResult:
    """Run the env check. ``environ`` replaces ``os.environ`` (tests inject it)."""
    process: Mapping[str, str] = dict(os.environ) if environ is None else environ
    manifest = ctx.manifest
    specs = declared_vars(ctx.section("env"))
    packs = [str(p) for p in manifest.section("rules").get("packs") or []]
    rules = load_rules(manifest.root, packs)
    plans = plan_environments(manifest, ctx.param("environment"))
    declared_at = _declared_locations(manifest, ctx.root)
    digest_of: Callable[[str], str] = run_digest()
    cache: dict[tuple[str, bool], DotenvFile] = {}

    findings: list[Finding] = []
    sightings: list[Sighting] = []
    checked = 0
    for plan in plans:
        values = load_environment(plan, manifest.root, ctx.root, process, cache)
        _mask_environment(ctx.masker, values, specs, rules)
        findings += _source_findings(plan, values)
        findings += exposed_values(plan, values, ctx.masker)
        outcome = evaluate_environment(plan, values, specs, rules, digest_of, declared_at)
        findings += outcome.findings
        sightings += outcome.sightings
        checked += outcome.checked
    for plan in _comparison_plans(manifest, plans):
        values = load_environment(plan, manifest.root, ctx.root, process, cache)
        _mask_environment(ctx.masker, values, specs, rules)
        sightings += evaluate_environment(
            plan, values, specs, rules, digest_of, declared_at
        ).sightings
    findings += same_secret_findings(sightings, {p.name for p in plans if p.name})
    drift, scanned = _drift(ctx, specs, declared_at)
    findings += drift

    labels = ", ".join(p.label() for p in plans)
    summary = (
        f"{len(plans)} environment(s) checked ({labels}); {checked} declared variable check(s); "
        f"{scanned}"
    )
    return CheckResult(check=CHECK, findings=tuple(findings), summary=summary)


def _run(ctx: CheckContext) -> CheckResult:
    return check_env(ctx)


SPEC = CheckSpec(
    id=CHECK,
    title="Environment variables",
    run=_run,
    configured=lambda manifest: manifest.has("env"),
    rules=lambda _manifest: RULES,
)
