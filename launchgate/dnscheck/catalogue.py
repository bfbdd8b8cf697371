"""Every rule the dns check reports: default severity, title and remediation, in one table.

Findings take their remediation from here, and ``launchgate rules`` / SARIF rule help read it.
"""

from __future__ import annotations

from launchgate.dnscheck.issues import Issue
from launchgate.findings import RuleInfo, Severity

B, H, M, L, N = Severity.BLOCKER, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO

_TABLE: dict[str, tuple[Severity, str, str]] = {
    "dns.lookup-failed": (N, "Could not check (DNS lookup or TLS handshake failed)",
        "Make sure the nameservers answer (launchgate dns --nameserver HOST:PORT chooses them) "
        "and HTTPS answers on the name."),
    "dns.unresolved": (H, "Declared name does not resolve",
        "Publish an A, AAAA or CNAME record for the name, or remove it from the manifest."),
    "dns.expect-mismatch": (H, "Record differs from the manifest's expect",
        "Fix the record at your DNS provider, or update expect when the change was intended."),
    "dns.cname-apex": (H, "CNAME at the zone apex",
        "Use A/AAAA records (or your provider's ALIAS/ANAME) at the apex; a CNAME there "
        "breaks MX, TXT and NS."),
    "dns.dangling-cname": (B, "Dangling CNAME: the target does not exist",
        "Remove the CNAME, or recreate the resource it points to, before someone claims it."),
    "dns.takeover-risk": (B, "CNAME points at an unclaimed name on a takeover-prone service",
        "Remove the CNAME or claim the name on the service now."),
    "dns.cname-loop": (H, "CNAME chain loops", "Point the CNAME at a name that resolves."),
    "dns.ttl-high": (L, "TTL too long to change the record in an emergency",
        "Lower the TTL (e.g. to 300-3600 s) on records you may need to repoint quickly."),
    "dns.caa-missing": (L, "No CAA record: any CA may issue for this name",
        "Publish CAA records naming the CAs you use, e.g. 0 issue \"letsencrypt.org\"."),
    "dns.caa-forbids-issuer": (H, "CAA does not allow the CA that issued the certificate",
        "Add the issuing CA to CAA, or renewals of this certificate will fail."),
    "dns.drift": (N, "DNS changed since the last run",
        "Check that the change was intended; update expect in the manifest if it was."),
    "email.spf-missing": (H, "No SPF record",
        "Publish one TXT record 'v=spf1 <your senders> ~all' at the domain."),
    "email.spf-multiple": (H, "More than one SPF record (receivers treat it as an error)",
        "Merge the SPF records into one TXT record."),
    "email.spf-syntax": (H, "SPF record is invalid (receivers ignore it)",
        "Fix the record's syntax (RFC 7208)."),
    "email.spf-too-many-lookups": (H, "SPF needs too many DNS lookups",
        "Remove unused includes or replace them with ip4:/ip6: ranges; the limit is 10."),
    "email.spf-void-lookups": (M, "SPF has more than 2 lookups that find nothing",
        "Remove mechanisms that point at names without records."),
    "email.spf-loop": (H, "SPF include/redirect loop", "Break the loop of includes."),
    "email.spf-include-invalid": (H, "SPF includes a name without a valid SPF record",
        "Fix or remove the include; receivers return permerror for the whole record."),
    "email.spf-plus-all": (B, "SPF ends in +all: every server on the internet may send as you",
        "End the record with ~all or -all."),
    "email.spf-neutral-all": (M, "SPF ends in ?all, which authorizes nothing and protects nothing",
        "End the record with ~all or -all."),
    "email.spf-no-all": (M, "SPF has no all mechanism (mail from anyone is neutral)",
        "End the record with ~all or -all."),
    "email.spf-softfail": (L, "SPF ends in ~all where the manifest requires -all",
        "End the record with -all once every sender is listed."),
    "email.spf-ptr": (L, "SPF uses ptr (slow, unreliable, discouraged by RFC 7208)",
        "Replace ptr with ip4:/ip6: or a: mechanisms."),
    "email.spf-include-missing": (M, "A declared SPF include is not in the record",
        "Add the include your provider documents, or it will fail SPF."),
    "email.dmarc-missing": (H, "No DMARC record",
        "Publish _dmarc.<domain> TXT 'v=DMARC1; p=quarantine; rua=mailto:...'."),
    "email.dmarc-multiple": (H, "More than one DMARC record (receivers ignore them all)",
        "Keep exactly one v=DMARC1 record."),
    "email.dmarc-syntax": (H, "DMARC record is invalid", "Fix the record (RFC 7489)."),
    "email.dmarc-weak-policy": (M, "DMARC policy is weaker than required",
        "Raise p= to the manifest's min_policy once reports show your mail passes."),
    "email.dmarc-pct": (L, "DMARC applies to only part of the mail (pct below 100)",
        "Raise pct to 100 (or remove it)."),
    "email.dmarc-no-rua": (M, "DMARC has no aggregate report address (rua)",
        "Add rua=mailto:... so you see who sends as you."),
    "email.dmarc-report-unauthorized": (M, "External DMARC report destination has not agreed",
        "Ask the destination to publish <domain>._report._dmarc.<destination> TXT 'v=DMARC1'."),
    "email.dkim-missing": (H, "DKIM selector has no key record",
        "Publish the key your mail provider gives you at <selector>._domainkey.<domain>."),
    "email.dkim-invalid": (H, "DKIM key record is invalid",
        "Republish the record exactly as your mail provider gives it."),
    "email.dkim-revoked": (H, "DKIM key is revoked (empty p=)",
        "Publish the current key, or remove the selector from the manifest."),
    "email.dkim-weak-key": (H, "DKIM key is too weak", "Rotate to a 2048-bit RSA or Ed25519 key."),
    "email.dkim-testing": (L, "DKIM key is in testing mode (t=y)",
        "Remove t=y once signing works, or receivers may ignore failures."),
    "email.mx-missing": (H, "No MX record", "Publish MX records, or a null MX (0 .) "
        "when the domain receives no mail."),
    "email.mx-unresolvable": (H, "MX host does not resolve", "Point MX at a host with A/AAAA."),
    "email.mx-cname": (M, "MX host is a CNAME (RFC 5321 forbids it)",
        "Point MX at the host's canonical name."),
    "email.mx-null-mixed": (M, "Null MX published together with other MX records",
        "Keep either the null MX (0 .) alone or real MX hosts."),
    "email.mta-sts-missing": (L, "No MTA-STS policy: mail to you can be downgraded to plain text",
        "Publish _mta-sts.<domain> TXT 'v=STSv1; id=...' and the policy file."),
    "email.mta-sts-invalid": (M, "MTA-STS record is invalid or doubled: senders ignore it",
        "Publish exactly one _mta-sts.<domain> TXT 'v=STSv1; id=<1-32 letters and digits>'."),
    "email.mta-sts-policy-unavailable": (M,
        "MTA-STS policy cannot be fetched: senders act as if there were none",
        "Serve the policy at https://mta-sts.<domain>/.well-known/mta-sts.txt (status 200, no "
        "redirect, a valid certificate for mta-sts.<domain>), or remove the _mta-sts record."),
    "email.mta-sts-policy-invalid": (M, "MTA-STS policy is invalid: senders ignore it",
        "Serve 'version: STSv1', 'mode: enforce|testing|none', one 'mx: host' line per MX host "
        "(or *.parent) and 'max_age: <seconds>', one per line."),
    "email.mta-sts-mx-mismatch": (H, "MX host not covered by the MTA-STS policy",
        "Add an mx: line for every MX host (or *.parent pattern) to the policy, change its id in "
        "the _mta-sts record, then check again."),
    "email.mta-sts-not-enforced": (L, "MTA-STS policy does not enforce",
        "Once TLS-RPT reports show no failures, set mode: enforce and change the record's id."),
    "email.mta-sts-max-age-short": (L, "MTA-STS policy max_age is short",
        "Use a max_age of weeks (e.g. 604800 or more; at most 31557600) once the policy works."),
    "email.tls-rpt-missing": (L, "No TLS-RPT address: you do not hear about TLS failures",
        "Publish _smtp._tls.<domain> TXT 'v=TLSRPTv1; rua=mailto:...'."),
    "email.tls-rpt-invalid": (M, "TLS-RPT record is invalid or doubled: senders ignore it",
        "Publish exactly one _smtp._tls.<domain> TXT 'v=TLSRPTv1; rua=mailto:...' (or https:)."),
    "tls.expired": (B, "Certificate expired", "Renew the certificate now."),
    "tls.expires-soon": (L, "Certificate expires soon",
        "Renew the certificate, and check that automatic renewal works."),
    "tls.hostname-mismatch": (H, "Certificate does not cover the name",
        "Issue a certificate whose SANs include this name."),
    "tls.chain-invalid": (H, "Certificate chain does not verify",
        "Serve the full chain (leaf and intermediates) from a trusted CA."),
}  # fmt: skip

ALL_RULES = tuple(_TABLE)
# Messages quote records, and a hostile zone serves 64 KB of them: a finding stays readable.
MAX_MESSAGE = 1000


def rule_infos() -> list[RuleInfo]:
    return [
        RuleInfo(rule, title, title, remediation, severity)
        for rule, (severity, title, remediation) in _TABLE.items()
    ]


def issue(
    rule: str,
    subject: str,
    message: str,
    severity: Severity | None = None,
    title: str | None = None,
    key: str = "",
) -> Issue:
    """An issue of a catalogued rule (KeyError for an unknown rule: a typo must fail tests)."""
    default, default_title, remediation = _TABLE[rule]
    return Issue(
        rule=rule,
        severity=severity or default,
        subject=subject,
        title=f"{subject}: {title or default_title}",
        message=bounded(message),
        remediation=remediation,
        key=key,
    )


def bounded(message: str) -> str:
    """``message`` cut to MAX_MESSAGE characters, saying how much was left out."""
    if len(message) <= MAX_MESSAGE:
        return message
    cut = len(message) - MAX_MESSAGE
    return f"{message[:MAX_MESSAGE]}… ({cut:,} more characters not shown)"
