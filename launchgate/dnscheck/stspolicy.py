"""The MTA-STS policy file (RFC 8461 section 3.2) and what it means for a domain's mail. Pure.

The TXT record only announces a policy; the policy itself says what senders do: ``enforce``
(refuse to deliver to an MX host that is not listed or has no valid TLS), ``testing`` (deliver
anyway, report failures through TLS-RPT) or ``none`` (the policy is being withdrawn). A policy
senders cannot parse is ignored, as if the domain published none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from launchgate.dnscheck.catalogue import issue
from launchgate.dnscheck.issues import Issue
from launchgate.findings import Severity
from launchgate.web.tls import hostname_matches

MODES = ("enforce", "testing", "none")
MAX_AGE_LIMIT_S = 31_557_600  # RFC 8461 section 3.2: at most about one year
MAX_BYTES = 64 * 1024  # RFC 8461 section 3.3: senders may refuse larger policies
_KEY = re.compile(r"[A-Za-z0-9_]{1,32}")
_DIGITS = re.compile(r"[0-9]{1,10}")
# An MX pattern: a host name, or "*." and a host name (one left-most label, section 4.1).
_MX = re.compile(r"(\*\.)?([A-Za-z0-9_]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{1,63}\.?")


@dataclass(frozen=True)
class StsPolicy:
    mode: str
    max_age_s: int
    mx: tuple[str, ...]


def parse_policy(text: str) -> tuple[StsPolicy | None, list[str]]:
    """The policy, or None with every reason senders would reject it.

    Fields are ``key: value`` lines (CRLF or LF); ``mx`` may repeat, other known fields may
    not; unknown fields are ignored, as the RFC requires of senders.
    """
    fields: dict[str, str] = {}
    mx: list[str] = []
    errors: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # one final line break
    for number, line in enumerate(lines, 1):
        key, colon, value = line.partition(":")
        key, value = key.strip(" \t"), value.strip(" \t")
        if not colon or not _KEY.fullmatch(key):
            errors.append(f"line {number} ({line[:40]!r}) is not 'key: value'")
        elif key == "mx":
            mx.append(value)
        elif key in ("version", "mode", "max_age") and key in fields:
            errors.append(f"{key} appears more than once")
        else:
            fields[key] = value
    errors += _field_errors(fields, mx)
    if errors:
        return None, errors
    policy = StsPolicy(fields["mode"], int(fields["max_age"]), tuple(m.lower() for m in mx))
    return policy, []


def _field_errors(fields: dict[str, str], mx: list[str]) -> list[str]:
    errors = []
    if fields.get("version") != "STSv1":
        errors.append(f"version is {fields.get('version', '(missing)')[:20]!r}, not 'STSv1'")
    mode = fields.get("mode")
    if mode not in MODES:
        errors.append(f"mode is {(mode or '(missing)')[:20]!r}, not enforce, testing or none")
    age = fields.get("max_age")
    if age is None or not _DIGITS.fullmatch(age) or int(age) > MAX_AGE_LIMIT_S:
        shown = "(missing)" if age is None else repr(age[:20])
        errors.append(f"max_age is {shown}, not a number of seconds up to {MAX_AGE_LIMIT_S}")
    bad = [m for m in mx if not _MX.fullmatch(m)]
    if bad:
        errors.append(f"mx {bad[0][:60]!r} is not a host name or *.host name")
    if not mx and mode in ("enforce", "testing"):
        errors.append(f"it lists no mx, so in mode {mode} no MX host is valid")
    return errors


def uncovered(mx_hosts: list[str], policy: StsPolicy) -> list[str]:
    """The domain's MX hosts that no ``mx`` pattern of the policy matches (section 4.1: a
    wildcard stands for exactly one left-most label; case and a final dot do not matter)."""
    return [h for h in mx_hosts if not hostname_matches(h, policy.mx)]


def policy_issues(
    domain: str, policy: StsPolicy, mx_hosts: list[str], min_max_age_s: int
) -> list[Issue]:
    """What a valid policy means for the domain's mail: MX hosts it does not cover (senders
    refuse them in enforce mode), a mode that does not enforce, a max_age too short to protect
    (a sender forgets the policy that soon, and an attacker who blocks the refetch wins)."""
    out = []
    missing = uncovered(mx_hosts, policy) if policy.mode != "none" else []
    if missing:
        shown = ", ".join(missing)
        if policy.mode == "enforce":
            consequence = "senders that honour MTA-STS (Gmail, Outlook...) refuse to deliver there"
        else:
            consequence = "in enforce mode senders would refuse to deliver there"
        out.append(
            issue(
                "email.mta-sts-mx-mismatch",
                domain,
                f"MX host(s) {shown} of {domain} match no mx: line of its MTA-STS policy "
                f"({', '.join(policy.mx)}); {consequence}.",
                severity=Severity.HIGH if policy.mode == "enforce" else Severity.LOW,
            )
        )
    if policy.mode != "enforce":
        what = "only reports failures" if policy.mode == "testing" else "is switched off"
        out.append(
            issue(
                "email.mta-sts-not-enforced",
                domain,
                f"The MTA-STS policy of {domain} is in mode {policy.mode}: it {what}, mail "
                "can still be downgraded to plain text.",
                severity=Severity.LOW if policy.mode == "testing" else Severity.INFO,
            )
        )
    if policy.mode != "none" and policy.max_age_s < min_max_age_s:
        out.append(
            issue(
                "email.mta-sts-max-age-short",
                domain,
                f"The MTA-STS policy of {domain} has max_age {policy.max_age_s} s "
                f"({policy.max_age_s / 86400:.1f} days), under {min_max_age_s // 86400} days.",
            )
        )
    return out
