"""``launchgate action``: the GitHub Action's entry point.

It reads the inputs (``LAUNCHGATE_*``, mapped explicitly in ``action.yml``) and the event
(``GITHUB_EVENT_NAME``, ``GITHUB_EVENT_PATH``), picks a plan (:mod:`launchgate.action.plan`),
checks that the checkout can serve it, and hands over to the same ``execute`` as ``launchgate run``.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from launchgate.action.commands import emit, log, write_outputs, write_summary
from launchgate.action.gitrepo import ActionError, Git, require_history, resolve_range
from launchgate.action.plan import PR_EVENTS, Inputs, Plan, plan_for, split_checks
from launchgate.action.policy import base_policy, describe
from launchgate.checkapi import CheckSpec
from launchgate.findings import Severity
from launchgate.manifest import MANIFEST_NAME, Manifest, ManifestError, load_manifest
from launchgate.paths import manifests_below
from launchgate.registry import NOT_IN_THIS_VERSION, not_in_this_version
from launchgate.report.github_summary import cell

__all__ = ["run_action"]

EXIT_PASS, EXIT_ERROR = 0, 2
POLICY_EVENTS = PR_EVENTS | {"merge_group"}
REPORT_INPUTS = (
    ("sarif", "LAUNCHGATE_SARIF_FILE"),
    ("json", "LAUNCHGATE_JSON_FILE"),
    ("junit", "LAUNCHGATE_JUNIT_FILE"),
)


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


@dataclass(frozen=True)
class Settings:
    """Inputs that are not about the plan: where to look and what to write."""

    inputs: Inputs
    manifest: str | None
    working_directory: str
    fail_on: Severity | None
    reports: tuple[str, ...]
    state_dir: str | None
    # How smoke and perf reach the release (the CLI's --resolve and --ca-bundle).
    resolve: tuple[str, ...] = ()
    ca_bundle: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        fail_on = _env("LAUNCHGATE_FAIL_ON")
        try:
            severity = Severity.parse(fail_on) if fail_on else None
        except ValueError as exc:
            raise ActionError(f"input fail-on: {exc}") from None
        summary = (_env("LAUNCHGATE_SUMMARY") or "true").lower()
        if summary not in ("true", "false"):
            raise ActionError(f"input summary: expected true or false, got {summary!r}")
        reports = []
        for fmt, var in REPORT_INPUTS:
            path = _env(var)
            if path is None:
                continue
            if Path(path).is_absolute() or ".." in Path(path).parts:
                name = var.removeprefix("LAUNCHGATE_").lower().replace("_", "-")
                raise ActionError(f"input {name}: {path!r} must be a path inside the workspace")
            reports.append(f"{fmt}:{path}")
        reports += (_env("LAUNCHGATE_REPORTS") or "").split()
        return cls(
            inputs=Inputs(
                checks=split_checks(_env("LAUNCHGATE_CHECKS")),
                environment=_env("LAUNCHGATE_ENVIRONMENT"),
                base_url=_env("LAUNCHGATE_BASE_URL"),
                since=_env("LAUNCHGATE_SINCE"),
            ),
            manifest=_env("LAUNCHGATE_MANIFEST"),
            working_directory=_env("LAUNCHGATE_WORKING_DIRECTORY") or ".",
            fail_on=severity,
            reports=tuple(reports),
            state_dir=_env("LAUNCHGATE_STATE_DIR"),
            resolve=_resolve_input(),
            ca_bundle=_env("LAUNCHGATE_CA_BUNDLE"),
        )


def _resolve_input() -> tuple[str, ...]:
    """``HOST:PORT:ADDRESS`` entries separated by spaces, commas or lines; a bad one is named."""
    from launchgate.web.client import ResolveError, parse_resolve

    entries = tuple((_env("LAUNCHGATE_RESOLVE") or "").replace(",", " ").split())
    for entry in entries:
        try:
            parse_resolve(entry)
        except ResolveError as exc:
            raise ActionError(f"input resolve: {exc}") from None
    return entries


def read_event() -> tuple[str, Mapping[str, Any]]:
    """The event name and payload the runner wrote for this job."""
    name = _env("GITHUB_EVENT_NAME")
    if name is None:
        raise ActionError(
            "GITHUB_EVENT_NAME is not set: `launchgate action` runs inside GitHub "
            "Actions; use `launchgate run` elsewhere"
        )
    path = _env("GITHUB_EVENT_PATH")
    if path is None:
        if name in PR_EVENTS:
            raise ActionError(
                f"GITHUB_EVENT_PATH is not set: a {name} gate needs the event payload to know "
                "the pull request's commits"
            )
        return name, {}
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ActionError(f"cannot read the event payload {path}: {exc}") from None
    return name, payload if isinstance(payload, dict) else {}


def _load_manifest(settings: Settings, root: Path) -> Manifest:
    """The manifest is validated on load; without one, checks run with their defaults.

    No manifest at ``root`` while some exist below it (a monorepo) is an error that names them:
    running with defaults there would pass a gate that checked almost nothing.
    """
    path = root / (settings.manifest or MANIFEST_NAME)  # an absolute input replaces root
    if settings.manifest is None and not path.exists():
        below = manifests_below(root)
        if below:
            listed = ", ".join(below)
            raise ActionError(
                f"no {MANIFEST_NAME} in {_shown(root)}, but {listed} "
                f"{'exists' if len(below) == 1 else 'exist'} below it: point the action at one "
                f"with `manifest: {below[0]}` (or `working-directory: {Path(below[0]).parent}`)"
            )
        emit("notice", f"no {MANIFEST_NAME} in {_shown(root)}: checks run with their defaults")
        return Manifest.empty(root)
    if settings.manifest is not None and not path.exists():
        raise ActionError(f"input manifest: {_shown(path)} does not exist")
    try:
        return load_manifest(Path(os.path.relpath(path)))
    except ManifestError as exc:
        _manifest_failed(exc)
        raise _Handled from None


class _Handled(Exception):
    """Already reported to the user; exit with code 2."""


def _manifest_failed(exc: ManifestError) -> None:
    for problem in exc.problems:
        message = f"{problem.field}: {problem.message}" if problem.field else problem.message
        emit(
            "error",
            message,
            file=problem.file,
            line=problem.line,
            col=problem.column,
            title="launchgate: invalid manifest",
        )
    fence = "`" * max(3, 1 + max((str(p).count("`") for p in exc.problems), default=0))
    write_summary("invalid manifest", [fence, *(str(p) for p in exc.problems), fence])
    write_outputs("error", f"ERROR: invalid manifest ({len(exc.problems)} problem(s))")


def _shown(path: Path) -> str:
    rel = os.path.relpath(path)
    return "the workspace" if rel == "." else rel


def choose_checks(
    plan: Plan, registry: Mapping[str, CheckSpec], manifest: Manifest
) -> tuple[list[str], dict[str, str]]:
    """The plan's checks that this build has and that apply, and the others with the reason."""
    if plan.checks is None:
        chosen = [c for c, spec in registry.items() if _configured(spec, manifest)]
        return chosen, {c: NOT_CONFIGURED for c in registry if c not in chosen}
    chosen, skipped = [], {}
    for check_id in plan.checks:
        spec = registry.get(check_id)
        if spec is None and not_in_this_version(check_id, registry):
            emit("notice", f"check {check_id!r} is {NOT_IN_THIS_VERSION}; skipped")
            skipped[check_id] = NOT_IN_THIS_VERSION
        elif spec is None:
            # A name the user typed (the checks input): a typo must not turn into a green run.
            close = difflib.get_close_matches(check_id, list(registry), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ActionError(
                f"input checks: unknown check {check_id!r}{hint}; this build has "
                f"{', '.join(registry)}"
            )
        elif plan.explicit or _configured(spec, manifest):
            chosen.append(check_id)
        else:
            log(f"{check_id}: not configured in the manifest; skipped")
            skipped[check_id] = NOT_CONFIGURED
    return chosen, skipped


NOT_CONFIGURED = "not configured in the manifest"


def _configured(spec: CheckSpec, manifest: Manifest) -> bool:
    return spec.configured(manifest) and bool(manifest.check_options(spec.id).get("enabled", True))


def _params(plan: Plan, chosen: list[str], root: Path, settings: Settings) -> dict[str, Any]:
    """Check parameters; for secrets, the commit range the event brought in (git consulted)."""
    params: dict[str, Any] = {
        "environment": plan.environment,
        "base_url": plan.base_url,
        "since": plan.since,
        "history": None,
        "resolve": list(settings.resolve),
        "ca_bundle": settings.ca_bundle,
    }
    if "secrets" not in chosen or not plan.needs_history:
        return params
    git = Git(root)
    require_history(git)
    if plan.full_history:
        params["history"] = True
    if plan.commits is not None and plan.since is None:
        resolved = resolve_range(git, plan.commits)
        params.update(since=resolved.since, history=resolved.history)
        if resolved.note:
            emit("notice", resolved.note)
    return params


def _run(settings: Settings) -> int:
    workspace = Path(_env("GITHUB_WORKSPACE") or ".").resolve()
    os.chdir(workspace)  # report paths and outputs stay relative to the workspace
    root = (workspace / settings.working_directory).resolve()
    if not root.is_relative_to(workspace):
        raise ActionError(
            f"working-directory {settings.working_directory!r} is outside the workspace"
        )
    if not root.is_dir():
        raise ActionError(f"working-directory {settings.working_directory!r} is not a directory")
    if settings.ca_bundle is not None and not Path(settings.ca_bundle).is_file():
        raise ActionError(
            f"input ca-bundle: {settings.ca_bundle!r} is not a file (a PEM bundle, relative to "
            "the workspace)"
        )
    trusted = Git(root).allow_ownership()
    if trusted:
        log(f"trusting {trusted} for git (safe.directory: it belongs to another user)")

    event, payload = read_event()
    plan = plan_for(event, payload, settings.inputs)
    if plan.error is not None:
        raise ActionError(plan.error)
    log(plan.description)
    for note in plan.notes:
        emit("notice", note)
    if plan.skip is not None:
        emit("notice", f"nothing to check: {plan.skip}")
        write_summary("skipped", [f"Nothing to check: {plan.skip}."])
        write_outputs("skipped", f"SKIPPED: {plan.skip}")
        return EXIT_PASS

    manifest = _load_manifest(settings, root)
    from launchgate.registry import load_builtin_checks

    if settings.manifest is not None:
        root = manifest.root  # findings relative to the manifest's directory, as in the CLI
    chosen, skipped = choose_checks(plan, load_builtin_checks(), manifest)
    if not chosen:
        why = "; ".join(f"{c}: {reason}" for c, reason in skipped.items()) or "no check"
        emit("notice", f"nothing ran ({why})")
        rows = [f"| {cell(c)} | ⏭️ skipped | {cell(reason)} |" for c, reason in skipped.items()]
        head = f"No check ran for {cell(plan.description)}:"
        write_summary("skipped", [head, "", "| Check | Status | Why |", "|---|---|---|", *rows])
        write_outputs("skipped", f"SKIPPED: nothing ran ({why})")
        return EXIT_PASS
    params = _params(plan, chosen, root, settings)
    manifest = _policy_of_base(plan, manifest, root, params)

    from launchgate.cli import execute

    return execute(
        root=root,
        manifest=manifest,
        only=tuple(chosen),
        skip=(),
        params=params,
        fail_on=settings.fail_on,
        reports=settings.reports,
        fmt="text",
        output=None,
        state_dir=Path(settings.state_dir) if settings.state_dir else None,
        allow_errors=False,
        color="auto",
        quiet=False,
        verbose=bool(_env("LAUNCHGATE_VERBOSE")),
        skipped=skipped,
    )


def _policy_of_base(plan: Plan, manifest: Manifest, root: Path, params: dict[str, Any]) -> Manifest:
    """On a pull request or merge queue, the gate's policy is the base branch's (policy.py)."""
    if plan.event not in POLICY_EVENTS or plan.commits is None or plan.commits.base is None:
        return manifest
    if manifest.path.exists():
        policy = base_policy(Git(root), plan.commits.base, manifest)
    else:
        policy = base_policy(Git(root), plan.commits.base, Manifest.empty(root))
    params["policy_dir"] = str(policy.policy_dir)
    note = describe(policy, plan.commits.base)
    if note:
        emit("notice", note)
    return policy.manifest


def run_action() -> int:
    """Run the Action; returns the exit code (0 pass or skipped, 1 gate failed, 2 error)."""
    try:
        return _run(Settings.from_env())
    except _Handled:
        return EXIT_ERROR
    except (ActionError, click.ClickException) as exc:
        message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        emit("error", message)
        write_summary("error", [message])
        write_outputs("error", f"ERROR: {message}")
        return EXIT_ERROR
