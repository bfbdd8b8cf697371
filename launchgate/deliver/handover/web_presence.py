"""How the world reaches the product: the DNS record map, redirects, certificates and email
authentication, as declared in the manifest and as last observed (reports and the DNS snapshot)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchgate.deliver import plan
from launchgate.deliver.audit import Audit
from launchgate.deliver.evidence import Evidence
from launchgate.deliver.gaps import certificate_owners
from launchgate.deliver.handover import certificates
from launchgate.deliver.handover.document import HandoverDoc, findings_of, observed, shown
from launchgate.deliver.risks import location_host
from launchgate.deliver.state import SavedState, records_by_name
from launchgate.findings import Severity
from launchgate.overlap import CERTIFICATE_PROBLEMS
from launchgate.report.github_summary import cell

_EMAIL_AUTH = ("spf", "dkim", "dmarc", "mx")
_EXPIRY_RULES = frozenset(r for r, problem in CERTIFICATE_PROBLEMS.items() if problem == "expiry")


def dns_records_section(doc: HandoverDoc, data: Mapping[str, Any], state: SavedState) -> None:
    doc.section("Domains and DNS records")
    domains = plan.items(data, "domains")
    seen = records_by_name(state.records)
    if not domains and not seen:
        doc.gap(
            "Domains and DNS records",
            "Declare your domains under `domains:` and run the "
            "nightly dns check so the record map is recorded.",
        )
        return
    names = sorted({str(d.get("name", "")).rstrip(".").lower() for d in domains} | set(seen))
    declared = {str(d.get("name", "")).rstrip(".").lower(): d for d in domains}
    rows = []
    for name in names:
        expect = plan.section(declared.get(name, {}), "expect")
        want = "; ".join(f"{t} {shown(v)}" for t, v in sorted(expect.items()))
        got = "; ".join(
            f"{t} {shown(v) if v else '(none)'}" for t, v in sorted(seen.get(name, {}).items())
        )
        rows.append([name, want or "—", got or "not observed yet"])
    doc.table(["Name", "Declared", "Observed (last snapshot)"], rows)
    if not state.records:
        doc.gap(
            "Domains and DNS records",
            "No DNS snapshot in the state directory: run "
            "`launchgate run --only dns --state-dir .launchgate` (the nightly workflow does).",
        )


def redirects_section(doc: HandoverDoc, data: Mapping[str, Any], evidence: Evidence) -> None:
    doc.section("Canonical URLs and redirects")
    redirects = [d for d in plan.items(data, "domains") if d.get("redirect_to")]
    rows = [
        [str(d["name"]), str(d["redirect_to"])]
        for d in sorted(redirects, key=lambda d: str(d["name"]))
    ]
    if rows:
        doc.table(["Entry point", "Must end at"], rows)
    problems = [
        f
        for f in evidence.findings
        if "redirect" in str(f["rule"]) or "canonical" in str(f["rule"])
    ]
    if not observed(evidence, "smoke"):
        doc.lines.append("Observed: not yet (the smoke check has not run in these reports).")
    elif problems:
        doc.lines += ["Observed problems:", ""]
        # One line per observation: smoke reports a loop for a given URL and for its host's edge.
        doc.lines += [f"- {message}" for message in sorted({cell(f["message"]) for f in problems})]
    else:
        doc.lines.append(
            "Observed: every entry point redirected as declared in the last smoke run."
        )
    if not rows:
        doc.gap(
            "Canonical URLs and redirects",
            "Set `redirect_to` on the domains that must "
            "forward to your canonical address (e.g. example.com -> https://www.example.com).",
        )


def certificates_section(
    doc: HandoverDoc, data: Mapping[str, Any], evidence: Evidence, audit: Audit
) -> None:
    doc.section("Certificates")
    read = certificates.per_host(evidence.certificates)
    hosts = plan.web_hosts(data)
    if not hosts and not read:
        doc.gap(
            "Certificates",
            "Declare domains or an environment `base_url` so certificates can be tracked.",
        )
        return
    owners = certificate_owners(data)
    seen = observed(evidence, "smoke") or observed(evidence, "dns")
    warnings = _expiry_warnings(evidence)
    knowledge = certificates.builtin_issuers()
    rows, notes = [], []
    for host in [*hosts, *sorted(set(read) - set(hosts))]:
        owner = owners.get(host, "nobody")
        if host not in read:
            unread = "no expiry warning in the last check" if seen else "not observed"
            rows.append([host, owner, "—", warnings.get(host, ("", unread))[1], "—"])
            continue
        issued_by, expires, covers, renewal = certificates.describe(read[host], knowledge)
        if host in warnings:
            expires += f"; {warnings[host][0]} warning"
        rows.append([host, owner, issued_by, expires, covers])
        notes.append(f"- **{cell(host)}** ({cell(issued_by)}): {cell(renewal)}")
    doc.table(["Host", "Certificate owner", "Issued by", "Expires", "Covers"], rows)
    if notes:
        doc.lines += ["How each certificate is renewed:", "", *notes, ""]
    doc.audit_gaps(audit, "Certificates", "certificate-unowned")


def _expiry_warnings(evidence: Evidence) -> dict[str, tuple[str, str]]:
    """Host -> (severity, words) of the last checks' expiry warning: the date when a finding
    carries it (smoke), else severity and message (the dns check words the date in its message
    only): shown when no certificate facts were recorded, never "none"."""
    warned: dict[str, tuple[str, str]] = {}
    for finding in evidence.findings:
        details = finding.get("details") or {}
        host = (location_host(finding.get("location") or {}) or "").lower()
        if host and isinstance(details.get("not_after"), str):
            warned[host] = (str(finding["severity"]), details["not_after"][:10])
        elif host and finding["rule"] in _EXPIRY_RULES:
            text = f"{finding['severity']}: {finding['message']}"
            warned.setdefault(host, (str(finding["severity"]), text))
    return warned


def email_auth_section(doc: HandoverDoc, data: Mapping[str, Any], evidence: Evidence) -> None:
    doc.section("Email authentication (SPF, DKIM, DMARC)")
    domains = [str(d) for d in plan.section(data, "email").get("domains") or []]
    if not domains:
        doc.gap(
            "Email authentication",
            "If the product sends mail, list the sending domains under "
            "`email.domains` with their `dkim_selectors`.",
        )
        return
    ran = observed(evidence, "dns")
    rows = []
    for domain in sorted(domains):
        mine = [f for f in findings_of(evidence, "email.") if _under(f, domain)]
        cells = [domain]
        for part in _EMAIL_AUTH:
            hits = sorted(
                (f for f in mine if part in str(f["rule"])),
                key=lambda f: -Severity(f["severity"]).rank,
            )
            cells.append(
                "not checked"
                if not ran
                else (f"{hits[0]['severity']}: {_without_subject(hits[0])}" if hits else "ok")
            )
        rows.append(cells)
    doc.table(["Domain", "SPF", "DKIM", "DMARC", "MX"], rows)


def _under(finding: Mapping[str, Any], domain: str) -> bool:
    """The finding is about ``domain`` or a name under it (``_dmarc.shop.test``)."""
    name = str((finding.get("location") or {}).get("domain", "")).rstrip(".").lower()
    domain = domain.rstrip(".").lower()
    return name == domain or name.endswith("." + domain)


def _without_subject(finding: Mapping[str, Any]) -> str:
    """The title without the ``shop.test: `` the dns check puts first (the row names it)."""
    title = str(finding["title"])
    subject, sep, rest = title.partition(": ")
    return rest if sep and subject == (finding.get("location") or {}).get("domain") else title
