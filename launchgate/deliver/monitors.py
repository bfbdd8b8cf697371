"""Uptime monitor configurations from the manifest: Gatus ``config.yaml`` and Upptime
``.upptimerc.yml``, following each tool's documented configuration.

Gatus (github.com/TwiN/gatus, README "Endpoints", "Conditions", "Alerting"): ``endpoints[]``
with ``name``, ``group``, ``url``, ``method``, ``headers``, ``body``, ``interval`` (a duration,
default 60s), ``conditions`` (``[STATUS] == 200``, ``[STATUS] == any(200, 201)``,
``[RESPONSE_TIME] < 500``, ``[BODY] == pat(*Welcome*)``, ``[CERTIFICATE_EXPIRATION] > 336h``)
and ``alerts[]`` (``type``, ``failure-threshold``, ``send-on-resolved``, ``description``);
providers under ``alerting`` (``slack.webhook-url``, ``email.from/host/port/to/password``...).
Gatus expands ``${VAR}`` from its environment, so credentials stay variables, and a literal
``$`` must be written ``$$``.

Upptime (upptime.js.org/docs/configuration): ``owner``, ``repo``, ``sites[]`` with ``name``,
``url``, ``method``, ``headers`` (a list of ``"Name: value"``), ``body``,
``expectedStatusCodes``, ``maxResponseTime``, ``__dangerous__body_down``; ``assignees``;
``workflowSchedule.uptime`` (a cron; GitHub runs schedules at most every 5 minutes).
``$NAME`` in a URL or header is read from the repository secret NAME. Notifications are
configured as repository secrets (``NOTIFICATION_SLACK_WEBHOOK_URL``...), listed in a comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from launchgate.deliver import plan

DEFAULT_THRESHOLD = 3
UPPTIME_MIN_MINUTES = 5
PROBLEM_STATUS = 400  # without an expected status, anything below 400 is up


@dataclass
class Generated:
    """A generated configuration plus the notes a human must read (what could not be mapped)."""

    text: str
    notes: list[str] = field(default_factory=list)


def gatus_literal(text: str) -> str:
    """A literal for a Gatus config: ``$`` doubled so Gatus does not expand it as a variable."""
    return text.replace("$", "$$")


def gatus_conditions(route: plan.RoutePlan, min_days: int | None) -> tuple[list[str], list[str]]:
    """(conditions, notes) for one route. Each manifest expectation maps to one condition."""
    expect = plan.section(route.spec, "expect")
    conditions: list[str] = []
    notes: list[str] = []
    status = expect.get("status")
    if isinstance(status, list):
        conditions.append(f"[STATUS] == any({', '.join(str(s) for s in status)})")
    elif isinstance(status, int):
        conditions.append(f"[STATUS] == {status}")
    else:
        conditions.append(f"[STATUS] < {PROBLEM_STATUS}")
    for key, op in (("contains", "=="), ("not_contains", "!=")):
        text = expect.get(key)
        if not isinstance(text, str):
            continue
        if "*" in text or ")" in text or "\n" in text:
            notes.append(f"{route.name}: expect.{key} has '*', ')' or a line break: not mapped")
            continue
        conditions.append(f"[BODY] {op} pat(*{gatus_literal(text)}*)")
    budget = plan.section(route.spec, "budget").get("p95_ms")
    if isinstance(budget, int | float):
        conditions.append(f"[RESPONSE_TIME] < {int(budget)}")
    if min_days is not None and route.url and route.url.startswith("https:"):
        conditions.append(f"[CERTIFICATE_EXPIRATION] > {min_days * 24}h")
    for key in ("content_type", "headers", "redirect_to"):
        if key in expect:
            notes.append(f"{route.name}: expect.{key} has no Gatus condition; smoke checks it")
    return conditions, notes


def _headers(route: plan.RoutePlan, literal: Any, ref: Any) -> tuple[dict[str, str], list[str]]:
    """Request headers with credentials as variable references, never values."""
    headers = {str(k): literal(str(v)) for k, v in plan.section(route.spec, "headers").items()}
    auth = plan.section(route.spec, "auth")
    notes = []
    if auth.get("bearer_env"):
        headers["Authorization"] = f"Bearer {ref(auth['bearer_env'])}"
    if auth.get("header_env"):
        headers[str(auth.get("header", "Authorization"))] = ref(auth["header_env"])
    if auth.get("basic_user_env"):
        notes.append(f"{route.name}: basic auth is not mapped; use a header_env with the value")
    return headers, notes


def _min_days(data: Mapping[str, Any], route: plan.RoutePlan) -> int | None:
    host = plan.host_of(route.url)
    for domain in plan.items(data, "domains"):
        if str(domain.get("name", "")).rstrip(".").lower() == host:
            days = plan.section(domain, "tls").get("min_days_valid")
            return int(days) if isinstance(days, int) else 14
    return 14 if route.url and route.url.startswith("https:") else None


def _gatus_alerting(alerts: list[Mapping[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for alert in alerts:
        kind = alert["type"]
        if kind == "email":
            email: dict[str, Any] = {
                "from": alert.get("from", "${GATUS_EMAIL_FROM}"),
                "host": gatus_literal(str(alert["smtp_host"]))
                if alert.get("smtp_host")
                else "${GATUS_SMTP_HOST}",
                "port": int(alert.get("smtp_port", 587)),
                "to": ",".join(alert["to"]),
            }
            if alert.get("smtp_password_env"):
                email["password"] = f"${{{alert['smtp_password_env']}}}"
            out["email"] = email
        elif kind == "pagerduty":
            out["pagerduty"] = {"integration-key": f"${{{alert['integration_key_env']}}}"}
        else:
            out[kind] = {"webhook-url": f"${{{alert['webhook_env']}}}"}
    return out


def gatus(data: Mapping[str, Any]) -> Generated:
    """Gatus ``config.yaml``: one endpoint per watched route, alerts from operations.monitors."""
    monitors = plan.section(plan.section(data, "operations"), "monitors")
    alerts = plan.items(monitors, "alerts")
    threshold = int(monitors.get("failure_threshold", DEFAULT_THRESHOLD))
    group = str(data.get("project") or "launch")
    notes: list[str] = []
    endpoints = []
    for route in plan.watched_routes(data):
        if route.url is None:
            notes.append(f"{route.name}: no base_url for its path; not monitored")
            continue
        conditions, more = gatus_conditions(route, _min_days(data, route))
        headers, auth_notes = _headers(route, gatus_literal, lambda var: f"${{{var}}}")
        endpoint: dict[str, Any] = {
            "name": route.name,
            "group": group,
            "url": gatus_literal(route.url),
            "method": route.method,
            "interval": plan.monitor_interval(data),
        }
        if headers:
            endpoint["headers"] = headers
        if isinstance(route.spec.get("body"), str):
            endpoint["body"] = gatus_literal(route.spec["body"])
        endpoint["conditions"] = conditions
        if alerts:
            endpoint["alerts"] = [
                {
                    "type": a["type"],
                    "failure-threshold": threshold,
                    "send-on-resolved": True,
                    "description": f"{route.name} is failing",
                }
                for a in alerts
            ]
        endpoints.append(endpoint)
        notes += more + auth_notes
    config: dict[str, Any] = {}
    if alerts:
        config["alerting"] = _gatus_alerting(alerts)
    config["endpoints"] = endpoints
    header = _header("Gatus config.yaml", notes)
    return Generated(header + _dump(config), notes)


def upptime_schedule(interval: str) -> tuple[str, str | None]:
    """The uptime cron for an interval, and a note when Upptime cannot go that fast."""
    minutes = max(1, -(-plan.interval_seconds(interval) // 60))
    note = None
    if minutes < UPPTIME_MIN_MINUTES:
        note = f"interval {interval} is faster than GitHub schedules allow; Upptime runs every 5m"
        minutes = UPPTIME_MIN_MINUTES
    if minutes < 60:
        return f"*/{minutes} * * * *", note
    return f"0 */{max(1, minutes // 60)} * * *", note


def upptime(data: Mapping[str, Any]) -> Generated:
    """Upptime ``.upptimerc.yml``: one site per watched route."""
    monitors = plan.section(plan.section(data, "operations"), "monitors")
    notes: list[str] = []
    repository = monitors.get("repository")
    if isinstance(repository, str):
        owner, repo = repository.split("/", 1)
    else:
        owner, repo = "OWNER", "REPOSITORY"
        notes.append("operations.monitors.repository is not set: fill in owner and repo")
    sites = []
    for route in plan.watched_routes(data):
        if route.url is None:
            notes.append(f"{route.name}: no base_url for its path; not monitored")
            continue
        site: dict[str, Any] = {"name": route.name, "url": route.url}
        if route.method != "GET":
            site["method"] = route.method
        headers, auth_notes = _headers(route, str, lambda var: f"${var}")
        notes += auth_notes
        if headers:
            site["headers"] = [f"{k}: {v}" for k, v in headers.items()]
        if isinstance(route.spec.get("body"), str):
            site["body"] = route.spec["body"]
        expect = plan.section(route.spec, "expect")
        status = expect.get("status")
        if status is not None:
            site["expectedStatusCodes"] = status if isinstance(status, list) else [status]
        budget = plan.section(route.spec, "budget").get("p95_ms")
        if isinstance(budget, int | float):
            site["maxResponseTime"] = int(budget)
        if isinstance(expect.get("not_contains"), str):
            site["__dangerous__body_down"] = expect["not_contains"]
        if isinstance(expect.get("contains"), str):
            notes.append(
                f"{route.name}: expect.contains has no Upptime equivalent; smoke checks it"
            )
        sites.append(site)
    cron, note = upptime_schedule(plan.monitor_interval(data))
    if note:
        notes.append(note)
    config: dict[str, Any] = {"owner": owner, "repo": repo, "sites": sites}
    assignees = sorted(
        {
            str(c["github"])
            for c in plan.items(plan.section(data, "operations"), "contacts")
            if c.get("github")
        }
    )
    if assignees:
        config["assignees"] = assignees
    config["workflowSchedule"] = {"uptime": cron}
    secrets = upptime_secrets(plan.items(monitors, "alerts"), notes)
    header = _header(".upptimerc.yml", notes, secrets)
    return Generated(header + _dump(config), notes)


def upptime_secrets(alerts: list[Mapping[str, Any]], notes: list[str]) -> list[str]:
    """Repository secrets that turn on Upptime's notifications for each alert destination."""
    lines = []
    for alert in alerts:
        kind = alert["type"]
        if kind == "slack":
            lines += [
                "NOTIFICATION_SLACK=true",
                "NOTIFICATION_SLACK_WEBHOOK=true",
                f"NOTIFICATION_SLACK_WEBHOOK_URL=<the value of {alert['webhook_env']}>",
            ]
        elif kind == "discord":
            lines += [
                "NOTIFICATION_DISCORD=true",
                "NOTIFICATION_DISCORD_WEBHOOK=true",
                f"NOTIFICATION_DISCORD_WEBHOOK_URL=<the value of {alert['webhook_env']}>",
            ]
        elif kind == "email":
            lines += [
                "NOTIFICATION_EMAIL=true",
                "NOTIFICATION_EMAIL_SMTP=true",
                f"NOTIFICATION_EMAIL_TO={','.join(alert['to'])}",
            ]
            if alert.get("from"):
                lines.append(f"NOTIFICATION_EMAIL_FROM={alert['from']}")
            if alert.get("smtp_host"):
                lines.append(f"NOTIFICATION_EMAIL_SMTP_HOST={alert['smtp_host']}")
            lines.append(f"NOTIFICATION_EMAIL_SMTP_PORT={int(alert.get('smtp_port', 587))}")
        else:
            notes.append(f"alert type {kind} has no Upptime notification; not mapped")
    return lines


def _header(name: str, notes: list[str], secrets: list[str] | None = None) -> str:
    lines = [
        f"# {name} generated by `launchgate monitors` from launchready.yml.",
        "# Regenerate it instead of editing it; credentials are variable references only.",
    ]
    if secrets:
        lines.append("# Set these repository secrets to turn on notifications:")
        lines += [f"#   {s}" for s in secrets]
    if notes:
        lines.append("# Not mapped (see the notes):")
        lines += [f"#   - {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _dump(config: Mapping[str, Any]) -> str:
    return str(yaml.safe_dump(dict(config), sort_keys=False, allow_unicode=True, width=100))


FORMATS = {"gatus": gatus, "upptime": upptime}
