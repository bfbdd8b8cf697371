"""A route's answer against its ``expect``: pure, so each expectation is pinned by tests."""

from __future__ import annotations

import json
from typing import Any

from launchgate.findings import Finding, Location
from launchgate.smoke import jsonpath
from launchgate.smoke.catalogue import finding
from launchgate.smoke.config import Expect
from launchgate.smoke.probe import Chain, Exchange
from launchgate.userregex import compile_user
from launchgate.web.body import ACCEPT_ENCODING

_SHOWN = 80  # characters of a value shown in a message


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def failure_finding(hop: Exchange, where: Location) -> Finding:
    """An exchange that got no answer: unreachable (blocker) or timed out (high)."""
    rule = "smoke.timeout" if hop.error_kind == "timeout" else "smoke.unreachable"
    return finding(
        rule,
        f"{hop.method} {hop.url}: {hop.error}",
        where,
        details={"error_kind": hop.error_kind, "elapsed_ms": round(hop.elapsed_ms)},
    )


def default_status_ok(status: int) -> bool:
    return 200 <= status < 400


def judge(expect: Expect, chain: Chain, where: Location) -> list[Finding]:
    """Every way the final answer misses its expectations (failures come first, alone)."""
    answer = chain.final
    if not answer.ok:
        return [failure_finding(answer, where)]
    assert answer.status is not None
    out: list[Finding] = []
    if expect.status:
        status_ok = answer.status in expect.status
    else:
        status_ok = default_status_ok(answer.status) or (
            expect.refusal_ok and answer.status in (401, 403)
        )
    if not status_ok:
        wanted = ", ".join(map(str, expect.status)) if expect.status else "2xx or 3xx"
        rule = "smoke.server-error" if answer.status >= 500 else "smoke.unexpected-status"
        out.append(
            finding(
                rule,
                f"{answer.method} {answer.url} answered {answer.status}; expected {wanted}",
                where,
                details={"status": answer.status},
            )
        )
    if not answer.undecoded:  # a body that could not be read is reported once, below
        out.extend(_body(expect, answer, where))
    if expect.content_type and answer.content_type != expect.content_type.lower():
        out.append(
            finding(
                "smoke.content-type",
                f"content type is {answer.content_type or 'absent'}; expected "
                f"{expect.content_type}",
                where,
            )
        )
    for name, wanted_value in expect.headers.items():
        got = answer.headers.get(name)
        if got is None or (wanted_value != "*" and got != wanted_value):
            shown = "absent" if got is None else _short(got)
            out.append(
                finding(
                    "smoke.header-mismatch",
                    f"header {name} is {shown}; expected {_short(wanted_value)}",
                    where,
                    key=name.lower(),
                )
            )
    if expect.redirect_to and not expect.wants_redirect and answer.url != expect.redirect_to:
        out.append(
            finding(
                "smoke.redirect-mismatch",
                f"ends at {answer.url}; expected {expect.redirect_to} ({chain.describe()})",
                where,
            )
        )
    if expect.wants_redirect and expect.redirect_to:
        target = chain.hops[0].location()
        if target != expect.redirect_to:
            out.append(
                finding(
                    "smoke.redirect-mismatch",
                    f"redirects to {target or 'nowhere'}; expected {expect.redirect_to}",
                    where,
                )
            )
    if expect.max_ms is not None:
        slowest = max(chain.hops, key=lambda h: h.elapsed_ms)
        if slowest.elapsed_ms > expect.max_ms:
            out.append(
                finding(
                    "smoke.slow-request",
                    f"{slowest.method} {slowest.url} took {slowest.elapsed_ms:.0f} ms; "
                    f"expect.max_ms is {expect.max_ms:g}",
                    where,
                    details={"elapsed_ms": round(slowest.elapsed_ms), "max_ms": expect.max_ms},
                )
            )
    if answer.undecoded:
        out.append(
            finding(
                "smoke.body-not-decoded",
                f"the body is sent with Content-Encoding: {answer.undecoded}, which launchgate "
                f"did not ask for (Accept-Encoding: {ACCEPT_ENCODING}); its content was not "
                "checked",
                where,
            )
        )
    if answer.truncated:
        out.append(
            finding(
                "smoke.body-too-large",
                f"the body is larger than the {len(answer.body)} bytes read; only those were "
                "checked",
                where,
            )
        )
    return out


def _body(expect: Expect, answer: Exchange, where: Location) -> list[Finding]:
    out: list[Finding] = []
    text = answer.text()
    if expect.contains and expect.contains not in text:
        out.append(
            finding(
                "smoke.body-missing-text",
                f"the body does not contain {_short(expect.contains)}",
                where,
            )
        )
    if expect.not_contains and expect.not_contains in text:
        out.append(
            finding(
                "smoke.body-forbidden-text",
                f"the body contains {_short(expect.not_contains)}",
                where,
            )
        )
    # The manifest's pattern runs on the server's answer: RE2, linear in the body's size.
    if expect.matches and not compile_user(expect.matches).search(text):
        out.append(
            finding(
                "smoke.body-pattern",
                f"the body does not match {_short(expect.matches)}",
                where,
            )
        )
    if expect.json:
        out.extend(_json(expect, answer, text, where))
    return out


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def same_json(got: Any, wanted: Any) -> bool:
    """Equal as JSON values: 2 equals 2.0, but true does not equal 1 nor "1" equal 1."""
    if _number(got) and _number(wanted):
        return bool(got == wanted)
    return type(got) is type(wanted) and bool(got == wanted)


def _json(expect: Expect, answer: Exchange, text: str, where: Location) -> list[Finding]:
    try:
        document = json.loads(text)
    except ValueError:
        return [
            finding(
                "smoke.json-mismatch",
                f"the body is not JSON ({answer.content_type or 'no content type'}), so "
                f"{', '.join(expect.json)} could not be checked",
                where,
            )
        ]
    out = []
    for path, wanted in expect.json.items():
        got = jsonpath.lookup(document, path)
        if got is jsonpath.MISSING:
            message = f"{path} is missing; expected {_short(wanted)}"
        elif not same_json(got, wanted):
            message = f"{path} is {_short(got)}; expected {_short(wanted)}"
        else:
            continue
        out.append(finding("smoke.json-mismatch", message, where, key=path))
    return out
