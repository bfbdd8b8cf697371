"""What the dns check's parts return before they become findings: issues, and what could not be
checked. Keeping them apart is the point: a failed lookup is never turned into "missing"."""

from __future__ import annotations

from dataclasses import dataclass, field

from launchgate.dnscheck.resolver import Answer, LookupFailed, Resolver, without_loop
from launchgate.findings import CertificateFact, Severity


@dataclass(frozen=True)
class Issue:
    """One problem with a name; ``rule`` is ``dns.*``, ``email.*`` or ``tls.*``."""

    rule: str
    severity: Severity
    subject: str  # the DNS name it is about
    title: str
    message: str
    remediation: str = ""
    key: str = ""  # what tells two issues of one rule on one name apart (fingerprint)


@dataclass
class Outcome:
    issues: list[Issue] = field(default_factory=list)
    failures: list[LookupFailed] = field(default_factory=list)
    certificates: list[CertificateFact] = field(default_factory=list)  # every one read

    def add(self, *issues: Issue) -> None:
        self.issues.extend(issues)

    def merge(self, other: Outcome) -> None:
        self.issues.extend(other.issues)
        self.failures.extend(other.failures)
        self.certificates.extend(other.certificates)


async def ask(
    resolver: Resolver, out: Outcome, name: str, rdtype: str, loops: bool = False
) -> Answer | None:
    """The answer, or None with the failure recorded in ``out`` (the caller judges nothing).

    A CNAME loop is such a failure unless the caller judges loops itself (``loops``).
    """
    try:
        answer = await resolver.query(name, rdtype)
        return answer if loops else without_loop(answer)
    except LookupFailed as failure:
        out.failures.append(failure)
        return None
