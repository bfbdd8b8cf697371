"""Per-environment findings: missing, empty, malformed, placeholder and production-unsafe values.

Every message names the variable, the environment and the source (file and line for dotenv
files); none contains a value. Fingerprints hash the rule, environment, variable and source, never
the value or a line number, so they survive edits and are safe to publish.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from launchgate.envcheck.formats import validate_value
from launchgate.envcheck.masking import url_password
from launchgate.envcheck.sources import EnvironmentValues, EnvValue, Plan, SourceRef
from launchgate.envcheck.spec import VarSpec, looks_secret
from launchgate.envcheck.values import PLACEHOLDER, ValueRule, matching_rules
from launchgate.findings import Finding, Location, Severity, fingerprint_of

CHECK = "env"
MISSING = "env.missing"
EMPTY = "env.empty"
MALFORMED = "env.malformed"
PLACEHOLDER_RULE = "env.placeholder"
UNSAFE_RULE = "env.test-value-in-production"
MIN_COMPARED_LENGTH = 8  # shorter "secrets" (true, 1234) collide by chance, not by reuse


@dataclass(frozen=True)
class Sighting:
    """A secret value seen in one environment, kept only as a keyed hash."""

    environment: str
    variable: str
    digest: str
    source: SourceRef
    line: int | None


@dataclass
class EnvOutcome:
    findings: list[Finding] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)
    checked: int = 0


def where(value: EnvValue) -> str:
    """``.env.production:4`` or ``the process environment``."""
    text = value.source.describe()
    return f"{text}:{value.line}" if value.line else text


def location_of(value: EnvValue | None) -> Location:
    if value is None or value.source.path is None:
        return Location()
    return Location(path=value.source.path, line=value.line)


def make_finding(
    rule: str,
    severity: Severity,
    title: str,
    message: str,
    remediation: str,
    *,
    variable: str,
    environment: str | None,
    source: SourceRef | None,
    location: Location,
    extra: dict[str, Any] | None = None,
) -> Finding:
    identity = source.path if source and source.path else (source.kind if source else "")
    details: dict[str, Any] = {"variable": variable, "environment": environment}
    if source is not None:
        details["source"] = source.describe()
    details.update(extra or {})
    return Finding(
        check=CHECK,
        rule=rule,
        severity=severity,
        title=title,
        message=message,
        location=location,
        remediation=remediation,
        fingerprint=fingerprint_of(CHECK, rule, environment or "", variable, identity),
        details=details,
    )


def _is_required(spec: VarSpec, values: EnvironmentValues) -> bool:
    if spec.optional:
        return False
    if spec.required_if is None:
        return True
    trigger = values.get(spec.required_if)
    return trigger is not None and bool(trigger.value)


def _missing(
    spec: VarSpec, plan: Plan, values: EnvironmentValues, declared_at: Location
) -> Finding:
    env = plan.label()
    sources = ", ".join(s.describe() for s in values.sources()) or "no readable source"
    why = f" (required because {spec.required_if} is set)" if spec.required_if else ""
    files = [s.path for s in values.sources() if s.path]
    where_to = f"in {files[-1]} or " if files else ""
    return make_finding(
        MISSING,
        Severity.BLOCKER if plan.production else Severity.HIGH,
        f"{spec.name} is missing in {env}",
        f"{spec.name} is required in {env}{why} but none of its sources sets it ({sources}).",
        f"Set {spec.name} {where_to}in {env}'s secret store before deploying, or mark it "
        "optional in launchready.yml if the app copes without it.",
        variable=spec.name,
        environment=plan.name,
        source=None,
        location=declared_at,
    )


def _empty(spec: VarSpec, plan: Plan, found: EnvValue) -> Finding:
    env = plan.label()
    return make_finding(
        EMPTY,
        Severity.BLOCKER if plan.production else Severity.HIGH,
        f"{spec.name} is empty in {env}",
        f"{spec.name} is set but empty in {env} ({where(found)}); the app will see no value.",
        f"Give {spec.name} a value in {found.source.describe()}, or remove it and mark it "
        "optional.",
        variable=spec.name,
        environment=plan.name,
        source=found.source,
        location=location_of(found),
    )


def _malformed(spec: VarSpec, plan: Plan, found: EnvValue, reason: str) -> Finding:
    env = plan.label()
    fmt = spec.format or "declared"
    return make_finding(
        MALFORMED,
        Severity.HIGH,
        f"{spec.name} is malformed in {env}",
        f"{spec.name} in {env} ({where(found)}) does not pass its {fmt} format check: {reason}.",
        f"Fix the value of {spec.name} in {found.source.describe()} (the value is not shown).",
        variable=spec.name,
        environment=plan.name,
        source=found.source,
        location=location_of(found),
        extra={"format": spec.format, "reason": reason},
    )


def value_rule_finding(rule: ValueRule, plan: Plan, found: EnvValue) -> Finding:
    env = plan.label()
    placeholder = rule.category == PLACEHOLDER
    finding_rule = PLACEHOLDER_RULE if placeholder else UNSAFE_RULE
    what = "a placeholder" if placeholder else "a test or non-production value"
    return make_finding(
        finding_rule,
        rule.severity_in(plan.production),
        f"{found.name} holds {what} in {env}",
        f"{found.name} in {env} ({where(found)}) matches rule {rule.id}: {rule.description}",
        rule.remediation,
        variable=found.name,
        environment=plan.name,
        source=found.source,
        location=location_of(found),
        extra={"value_rule": rule.id, "pack": rule.pack},
    )


def _sighting(
    plan: Plan, found: EnvValue, secret: bool, digest_of: Any, placeholder: bool
) -> Sighting | None:
    value = found.value or ""
    sensitive = secret or url_password(value) is not None
    if not sensitive or placeholder or len(value) < MIN_COMPARED_LENGTH or plan.name is None:
        return None
    return Sighting(plan.name, found.name, digest_of(value), found.source, found.line)


def _check_value(
    found: EnvValue,
    spec: VarSpec | None,
    plan: Plan,
    rules: Sequence[ValueRule],
    digest_of: Any,
    out: EnvOutcome,
) -> None:
    value = found.value or ""
    secret = spec.secret if spec is not None else looks_secret(found.name)
    hits = matching_rules(rules, found.name, value, secret, plan.production)
    placeholders = [r for r in hits if r.category == PLACEHOLDER]
    for rule in hits:
        out.findings.append(value_rule_finding(rule, plan, found))
    if spec is not None and not placeholders:
        verdict = validate_value(value, spec.format, spec.rules(plan.production))
        if not verdict.ok:
            out.findings.append(_malformed(spec, plan, found, verdict.reason))
    sighting = _sighting(plan, found, secret, digest_of, bool(placeholders))
    if sighting is not None:
        out.sightings.append(sighting)


def evaluate_environment(
    plan: Plan,
    values: EnvironmentValues,
    specs: Iterable[VarSpec],
    rules: Sequence[ValueRule],
    digest_of: Any,
    declared_at: dict[int, Location],
) -> EnvOutcome:
    """Findings for one environment, plus its secret sightings for the cross-environment check."""
    out = EnvOutcome()
    declared: dict[str, VarSpec] = {}
    for spec in specs:
        if spec.applies_to(plan.name):
            declared.setdefault(spec.name, spec)
    for spec in declared.values():
        out.checked += 1
        found = values.get(spec.name)
        required = _is_required(spec, values)
        if found is None:
            if required:
                out.findings.append(
                    _missing(spec, plan, values, declared_at.get(spec.index, Location()))
                )
            continue
        if not found.value:
            if required:
                out.findings.append(_empty(spec, plan, found))
            continue
        _check_value(found, spec, plan, rules, digest_of, out)
    for found in values.file_values():
        if found.name not in declared and found.value:
            _check_value(found, None, plan, rules, digest_of, out)
    return out
