"""What the Action runs for an event: a pure function of the event name, its payload and the inputs.

Kept free of I/O so every trigger can be tested from a JSON payload alone. Turning a commit range
into something git can scan (new branches, force-pushes, root commits) needs the repository and
lives in :mod:`launchgate.action.gitrepo`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

PR_EVENTS = frozenset({"pull_request", "pull_request_target"})


def is_zero_sha(sha: str | None) -> bool:
    """GitHub sends all zeros for "no commit" (new branch, deleted branch); SHA-1 or SHA-256."""
    return not sha or set(sha) == {"0"}


@dataclass(frozen=True)
class Inputs:
    """The inputs that shape the plan; empty strings from ``action.yml`` arrive as ``None``."""

    checks: tuple[str, ...] = ()
    environment: str | None = None
    base_url: str | None = None
    since: str | None = None


@dataclass(frozen=True)
class CommitRange:
    """The commits an event brought in: ``base..head``; refs to fall back on if base is gone."""

    base: str | None
    head: str
    fallback_refs: tuple[str, ...] = ()
    forced: bool = False  # a force-push: ``base`` may be gone or unrelated


@dataclass(frozen=True)
class Plan:
    """Which checks to run and with which parameters.

    ``checks`` is ``None`` for "every check the manifest configures". ``explicit`` means the user
    named the checks, so they run even where the manifest does not configure them.
    """

    event: str
    description: str
    checks: tuple[str, ...] | None
    explicit: bool = False
    environment: str | None = None
    base_url: str | None = None
    since: str | None = None
    commits: CommitRange | None = None
    full_history: bool = False
    skip: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # The event cannot be served as asked (a pull request without its head commit): exit 2.
    error: str | None = None

    @property
    def needs_history(self) -> bool:
        """A secrets scan for this plan reads past commits, so a shallow clone is not enough."""
        return self.full_history or self.commits is not None or self.since is not None


def _get(payload: Mapping[str, Any], *keys: str) -> Any:
    node: Any = payload
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def split_checks(value: str | None) -> tuple[str, ...]:
    """``"env, secrets"`` or ``"env secrets"`` -> ``("env", "secrets")``, order kept, no repeats."""
    words = (value or "").replace(",", " ").split()
    return tuple(dict.fromkeys(w.strip().lower() for w in words if w.strip()))


def _pull_request(event: str, payload: Mapping[str, Any]) -> Plan:
    base, head = (
        _get(payload, "pull_request", "base", "sha"),
        _get(payload, "pull_request", "head", "sha"),
    )
    number = _get(payload, "pull_request", "number") or _get(payload, "number")
    if not _text(head):
        return Plan(
            event,
            f"{event}: the event has no pull_request.head.sha",
            None,
            error=f"the {event} event payload names no pull request head commit "
            "(pull_request.head.sha), so the pull request's commits cannot be checked",
        )
    base_ref = _text(_get(payload, "pull_request", "base", "ref"))
    fallback = (f"refs/remotes/origin/{base_ref}",) if base_ref else ()
    return Plan(
        event,
        f"pull request #{number}: manifest, env, and secrets on its commits plus the tree",
        ("env", "secrets"),
        commits=CommitRange(_text(base), str(head), fallback),
    )


def _push(payload: Mapping[str, Any]) -> Plan:
    before, after = _text(payload.get("before")), _text(payload.get("after"))
    ref = _text(payload.get("ref")) or ""
    if payload.get("deleted") or is_zero_sha(after):
        return Plan("push", f"push deleting {ref}", None, skip=f"{ref or 'the ref'} was deleted")
    assert after is not None
    default = _text(_get(payload, "repository", "default_branch"))
    fallback: tuple[str, ...] = ()
    if default and ref != f"refs/heads/{default}":
        fallback = (f"refs/remotes/origin/{default}",)
    elif not default:
        # The payload does not say which branch is the default: the remote's HEAD does.
        fallback = ("refs/remotes/origin/HEAD",)
    return Plan(
        "push",
        f"push to {ref or after[:12]}: secrets on the pushed commits plus the tree",
        ("secrets",),
        commits=CommitRange(
            None if is_zero_sha(before) else before, after, fallback, bool(payload.get("forced"))
        ),
    )


def _merge_group(payload: Mapping[str, Any]) -> Plan:
    base, head = _get(payload, "merge_group", "base_sha"), _get(payload, "merge_group", "head_sha")
    if not _text(head):
        return Plan(
            "merge_group",
            "merge_group without head_sha",
            None,
            skip="the event payload names no merge group head commit",
        )
    return Plan(
        "merge_group",
        "merge queue: manifest, env, and secrets on the queued commits plus the tree",
        ("env", "secrets"),
        commits=CommitRange(_text(base), str(head)),
    )


def _deployment_status(payload: Mapping[str, Any]) -> Plan:
    state = _text(_get(payload, "deployment_status", "state")) or "unknown"
    environment = _text(_get(payload, "deployment_status", "environment")) or _text(
        _get(payload, "deployment", "environment")
    )
    if state != "success":
        return Plan(
            "deployment_status",
            f"deployment to {environment or '?'} is {state}",
            None,
            environment=environment,
            skip=f"deployment state is {state!r}; smoke and perf run only on 'success'",
        )
    url = _text(_get(payload, "deployment_status", "environment_url"))
    where = url or (f"the {environment} base_url" if environment else "the manifest's base_url")
    return Plan(
        "deployment_status",
        f"deployment to {environment or 'an environment'} succeeded: smoke and perf on {where}",
        ("smoke", "perf"),
        environment=environment,
        base_url=url,
    )


def _dispatch(payload: Mapping[str, Any]) -> Plan:
    raw = _get(payload, "inputs")
    given: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    checks = split_checks(_text(given.get("checks")))
    since = _text(given.get("since"))
    return Plan(
        "workflow_dispatch",
        "manual run: " + (", ".join(checks) if checks else "every configured check"),
        checks or None,
        explicit=bool(checks),
        environment=_text(given.get("environment")),
        base_url=_text(given.get("base-url")) or _text(given.get("base_url")),
        since=since,
        full_history=since is None,
    )


def plan_for(event: str, payload: Mapping[str, Any], inputs: Inputs) -> Plan:
    """The plan for one run; the action's own inputs override whatever the event suggests."""
    if event in PR_EVENTS:
        plan = _pull_request(event, payload)
    elif event == "push":
        plan = _push(payload)
    elif event == "merge_group":
        plan = _merge_group(payload)
    elif event == "schedule":
        plan = Plan(
            "schedule",
            "nightly: dns drift and a full-history secrets scan",
            ("dns", "secrets"),
            full_history=True,
        )
    elif event == "deployment_status":
        plan = _deployment_status(payload)
    elif event == "workflow_dispatch":
        plan = _dispatch(payload)
    else:
        plan = Plan(
            event or "unknown",
            f"{event or 'unknown event'}: every configured check",
            None,
            full_history=True,
        )
    return _apply_inputs(plan, inputs)


def _apply_inputs(plan: Plan, inputs: Inputs) -> Plan:
    # A skip (failed deployment, deleted branch) or an error wins: there is nothing sound to check.
    if plan.skip is not None or plan.error is not None:
        return plan
    changes: dict[str, Any] = {}
    if inputs.checks:
        head = plan.description.partition(": ")[0]
        changes.update(
            checks=inputs.checks,
            explicit=True,
            description=f"{head}: {', '.join(inputs.checks)} (the checks input)",
        )
    if inputs.environment:
        changes["environment"] = inputs.environment
    if inputs.base_url:
        changes["base_url"] = inputs.base_url
    if inputs.since:
        changes.update(since=inputs.since, commits=None, full_history=False)
    return replace(plan, **changes) if changes else plan
