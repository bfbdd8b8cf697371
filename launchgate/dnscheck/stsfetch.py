"""Fetch a domain's MTA-STS policy as a sender would (RFC 8461 section 3.3) and judge it.

``https://mta-sts.<domain>/.well-known/mta-sts.txt``: the policy host resolved by this run's
DNS servers (like the certificates), HTTPS with a certificate valid for the policy host, status
200, no redirect followed, at most 64 KB. Through the shared HTTP layer (``web.client``, the
smoke check's one-exchange ``probe.exchange``), so timeouts, ``--resolve`` and the CA bundle
mean what they mean everywhere. A policy host that did not answer in time is "could not check"
(a lookup failure), never "missing".
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from dataclasses import dataclass

from launchgate.dnscheck.catalogue import issue
from launchgate.dnscheck.issues import Issue, Outcome, ask
from launchgate.dnscheck.resolver import LookupFailed, Resolver
from launchgate.dnscheck.stspolicy import MAX_BYTES, parse_policy, policy_issues
from launchgate.smoke.probe import Exchange, exchange
from launchgate.web.client import WebSettings, make_client

POLICY_PATH = "/.well-known/mta-sts.txt"
DEFAULT_MIN_MAX_AGE_DAYS = 7


@dataclass(frozen=True)
class StsSettings:
    """How policies are fetched in this run: the web settings, the policy host's port (443 by
    the RFC; another only for a staging or test host) and the shortest acceptable max_age."""

    web: WebSettings
    port: int = 443
    min_max_age_s: int = DEFAULT_MIN_MAX_AGE_DAYS * 86400


async def check_policy(
    resolver: Resolver, domain: str, mx_hosts: list[str], sts: StsSettings
) -> Outcome:
    """The policy of a domain whose ``_mta-sts`` record is valid, fetched and judged."""
    out = Outcome()
    host = f"mta-sts.{domain}"
    found = await asyncio.gather(ask(resolver, out, host, "A"), ask(resolver, out, host, "AAAA"))
    if any(a is None for a in found):
        return out  # could not check: the failure is recorded
    addresses = [r for a in found if a is not None and a.status == "ok" for r in a.records]
    if not addresses:
        out.add(
            _unavailable(domain, f"the policy host {host} does not resolve (no A or AAAA record)")
        )
        return out
    url = f"https://{host}{'' if sts.port == 443 else f':{sts.port}'}{POLICY_PATH}"
    web = dataclasses.replace(sts.web, resolve={(host, sts.port): addresses[0], **sts.web.resolve})
    answer = await asyncio.to_thread(_fetch, web, url, resolver.deadline)
    if answer.error_kind == "timeout":
        out.failures.append(LookupFailed(host, "MTA-STS policy", f"{url}: {answer.error}"))
        return out
    problem = _answer_problem(answer)
    if problem is not None:
        out.add(_unavailable(domain, f"{url}: {problem}"))
        return out
    policy, errors = parse_policy(answer.text())
    if policy is None:
        out.add(
            issue(
                "email.mta-sts-policy-invalid",
                domain,
                f"The MTA-STS policy at {url} is invalid ({_first(errors)}); senders act as "
                "if there were none.",
            )
        )
        return out
    out.add(*policy_issues(domain, policy, mx_hosts, sts.min_max_age_s))
    return out


def _first(errors: list[str], shown: int = 3) -> str:
    """The first few reasons (a 64 KB policy of garbage has thousands)."""
    more = len(errors) - shown
    return "; ".join(errors[:shown]) + (f"; and {more} more" if more > 0 else "")


def _fetch(web: WebSettings, url: str, deadline: float | None) -> Exchange:
    ends = time.monotonic() + web.connect_timeout_s + web.read_timeout_s
    ends = ends if deadline is None else min(ends, deadline)
    with make_client(web, max_connections=1) as client:
        return exchange(
            client,
            "GET",
            url,
            timeout_s=web.connect_timeout_s + web.read_timeout_s,
            deadline=ends,
            max_bytes=MAX_BYTES,
        )


def _answer_problem(answer: Exchange) -> str | None:
    """Why a sender gets no policy from this answer (RFC 8461 section 3.3), or None."""
    if not answer.ok:
        return answer.error or "no answer"
    if answer.location() is not None:
        return f"redirects (HTTP {answer.status}) to {answer.location()}; senders do not follow"
    if answer.status != 200:
        return f"answers HTTP {answer.status}, not 200"
    if answer.truncated:
        return f"the policy is larger than {MAX_BYTES // 1024} KB"
    return None


def _unavailable(domain: str, reason: str) -> Issue:
    return issue(
        "email.mta-sts-policy-unavailable",
        domain,
        f"{domain} publishes an _mta-sts record but its policy cannot be fetched: {reason}. "
        "Senders act as if it had no MTA-STS.",
    )
