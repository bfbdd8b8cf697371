"""Flows: steps run in order, later ones using values captured from earlier answers.

As in Hurl: a login step captures a token (JSON path), a header or a cookie; later steps use it
as ``{{name}}`` in their URL, headers or body. Cookies set by the flow's host are sent back to it
like a browser would (and to no other host). Every captured value is masked: it is a credential.
A step that fails stops the flow; the steps after it are named as not run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from launchgate.findings import Finding, Location, Severity
from launchgate.smoke import jsonpath
from launchgate.smoke.catalogue import finding
from launchgate.smoke.config import Capture, Flow, credentials, with_variables
from launchgate.smoke.expect import judge
from launchgate.smoke.probe import Chain, Exchange, same_host

if TYPE_CHECKING:
    from launchgate.smoke.engine import Smoke


def cookies_of(answer: Exchange) -> dict[str, str]:
    """``name -> value`` of every Set-Cookie of an answer."""
    out = {}
    for header in answer.headers.get_list("set-cookie"):
        name, sep, rest = header.partition("=")
        if sep and name.strip():
            out[name.strip()] = rest.split(";", 1)[0].strip()
    return out


def capture(spec: Capture, chain: Chain) -> str | None:
    """The captured value as text, or None when the answer does not have it."""
    answer = chain.final
    if spec.source == "header":
        header = answer.headers.get(spec.expr)
        return None if header is None else str(header)
    if spec.source == "cookie":
        for hop in reversed(chain.hops):
            value = cookies_of(hop).get(spec.expr)
            if value is not None:
                return value
        return None
    try:
        value = jsonpath.lookup(json.loads(answer.text()), spec.expr)
    except ValueError:
        return None
    if value is jsonpath.MISSING or value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def _not_run(flow: Flow, index: int, reason: str, where: Location) -> list[Finding]:
    rest = [s.name for s in flow.steps[index + 1 :]]
    if not rest:
        return []
    return [
        finding(
            "smoke.flow-step-failed",
            f"flow {flow.name}: {reason}; not run: {', '.join(rest)}",
            where,
        )
    ]


def run_flow(smoke: Smoke, flow: Flow) -> list[Finding]:
    variables: dict[str, str] = {}
    jar: dict[str, str] = {}
    mask: Callable[[str], None] = smoke.mask
    out: list[Finding] = []
    for index, raw_step in enumerate(flow.steps):
        step = with_variables(raw_step, variables)
        url = step.target(smoke.config.base_url)
        where = Location(route=f"{flow.name}/{step.name}", url=url)
        creds = credentials(step.auth, smoke.environ, mask)
        if creds.missing:
            out.append(
                finding(
                    "smoke.auth-unavailable",
                    f"flow {flow.name}, step {step.name}: {', '.join(creds.missing)} not set",
                    where,
                )
            )
            return out + _not_run(flow, index, f"step {step.name} has no credentials", where)
        sent: dict[str, str] = dict(creds.headers)
        if jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        chain = smoke.follow(step, url, sent)
        problems = judge(step.expect, chain, where)
        out += problems
        _remember_cookies(chain, url, jar, mask)
        if any(p.severity.at_least(Severity.HIGH) for p in problems):
            return out + _not_run(flow, index, f"step {step.name} failed", where)
        for spec in step.captures:
            value = capture(spec, chain)
            if value is None:
                out.append(
                    finding(
                        "smoke.flow-capture-failed",
                        f"flow {flow.name}, step {step.name}: no {spec.source} "
                        f"{spec.expr!r} in the answer to capture as {spec.name}",
                        where,
                        key=spec.name,
                    )
                )
                return out + _not_run(flow, index, f"{spec.name} was not captured", where)
            mask(value)
            variables[spec.name] = value
    return out


def _remember_cookies(
    chain: Chain, url: str, jar: dict[str, str], mask: Callable[[str], None]
) -> None:
    host = urlsplit(url).hostname or ""
    for hop in chain.hops:
        if same_host(hop.url, host):
            for name, value in cookies_of(hop).items():
                mask(value)
                jar[name] = value
