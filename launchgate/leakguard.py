"""The last line of defence: no secret value, and no terminal control code, leaves the run.

Checks show secrets only in redacted form, but a secret can reach output by other ways: as a
variable *name* in code (``os.environ.get("sk_live_…")``), inside a file *path*
(``tokens/ghp_….env``), in a detail, a summary or an error. Every string of every result passes
here: values the checks masked are replaced, and any text shaped like a credential (the secrets
check's specific detectors, not its generic keyword rules, and the password of a URL's
``user:password@``) is masked too, so that in Actions it is
also hidden by ``::add-mask::`` from the rest of the log.

The same pass shows control characters (ANSI escapes, NUL, DEL, C1, CR) as visible ``\\x1b``-style
text: they come from file names, HTTP headers and DNS records, and a JSON report read with
``jq -r`` or a text report on a terminal would otherwise colour, move or hide output. Each
reporter still escapes what is special to its own format.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import Any

from launchgate.checkapi import Masker
from launchgate.findings import CertificateFact, CheckResult, Finding, Location
from launchgate.redact import Scrubber, scrub, value_hash

# Everything but TAB and LF below 0x20, DEL, and the C1 range (0x9b is a one-byte CSI).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    r"""Control characters as their escapes: ``\x1b[31m`` prints as text, not as red."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _safe(text: str, values: Scrubber) -> str:
    return visible(scrub(text, values))


@functools.cache
def _shape_detector() -> Any:
    """The built-in detectors with a distinctive shape (``ghp_``, ``sk_live_``, ``AKIA``...)."""
    from launchgate.secretscan.detector import Detector
    from launchgate.secretscan.rules import RuleSet, load_rules

    rules = load_rules()
    specific = tuple(rule for rule in rules.rules if not rule.generic)
    return Detector(RuleSet(rules=specific, allow=rules.allow))


# The password of ``scheme://user:password@host``: a server's redirect or a user's URL can
# carry one, and it has no shape a detector would know.
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*:([^\s/?#@]+)@")


def secrets_in(text: str) -> set[str]:
    """Every credential-shaped value in ``text`` (line by line, as the detectors read files),
    and every password written in a URL."""
    found = set(_URL_PASSWORD.findall(text))
    for line in text.splitlines():
        hits, _ = _shape_detector().scan(line, "")
        found.update(hit.value for hit in hits)
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in _strings(item)]
    return []


def _scrubbed(value: Any, values: Scrubber) -> Any:
    if isinstance(value, str):
        return _safe(value, values)
    if isinstance(value, Mapping):
        return {_scrubbed(k, values): _scrubbed(v, values) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_scrubbed(item, values) for item in value)
    return value


def _texts(result: CheckResult) -> list[str]:
    texts = [result.summary, result.error or ""]
    for f in result.findings:
        texts += [f.title, f.message, f.remediation, *_strings(f.location.to_dict())]
        texts += _strings(dict(f.details))
    for c in result.certificates:
        texts += [c.host, c.issuer, c.tls_version, *c.names]
    return texts


def _clean_certificate(fact: CertificateFact, values: Scrubber) -> CertificateFact:
    """A certificate's names and issuer are the server's words: a hostile one may put control
    characters (or a credential) there."""
    return dataclasses.replace(
        fact,
        host=_safe(fact.host, values),
        issuer=_safe(fact.issuer, values),
        tls_version=_safe(fact.tls_version, values),
        names=tuple(_safe(n, values) for n in fact.names),
    )


def _clean_finding(finding: Finding, values: Scrubber) -> Finding:
    location = Location(**_scrubbed(finding.location.to_dict(), values))
    return dataclasses.replace(
        finding,
        title=_safe(finding.title, values),
        message=_safe(finding.message, values),
        remediation=_safe(finding.remediation, values),
        location=location,
        details=_scrubbed(dict(finding.details), values),
    )


def clean_results(results: list[CheckResult], masker: Masker) -> list[CheckResult]:
    """``results`` with every masked or credential-shaped value replaced by ``***``.

    Values found here are added to ``masker`` first, from every result, so that Actions masks
    them before anything is printed and a value one check shows is scrubbed from all the others.
    Fingerprints are kept: they are hashes.
    """
    for result in results:
        for text in _texts(result):
            for value in secrets_in(text):
                masker.add(value)
    values = Scrubber(masker.values)  # prepared once for every text of every result
    return [
        dataclasses.replace(
            result,
            findings=tuple(_clean_finding(f, values) for f in result.findings),
            error=_safe(result.error, values) if result.error else result.error,
            summary=_safe(result.summary, values),
            certificates=tuple(_clean_certificate(c, values) for c in result.certificates),
        )
        for result in results
    ]


def sealed(value: Any, masker: Masker) -> Any:
    """``value`` for state kept between runs (a DNS snapshot: an Actions cache, maybe uploaded):
    every masked or credential-shaped value in its strings becomes ``[secret <keyed hash>]``.
    Never the value, but two runs that saw the same value store the same text, so a change of
    it is still a change."""
    texts = _strings(value)
    found = set(masker.values)
    for text in texts:
        found |= secrets_in(text)
    joined = "\n".join(texts)
    present = sorted((v for v in found if v and v in joined), key=len, reverse=True)
    if not present:
        return value
    return _sealed(value, [(v, f"[secret {value_hash(v)[:12]}]") for v in present])


def _sealed(value: Any, marks: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for secret, mark in marks:  # longest first: a value inside a longer one goes with it
            value = value.replace(secret, mark)
        return value
    if isinstance(value, Mapping):
        return {_sealed(k, marks): _sealed(v, marks) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_sealed(item, marks) for item in value)
    return value
