"""SPF record syntax (RFC 7208): parse one TXT string into terms and a list of syntax errors.

Pure and total: any text gives an :class:`SpfRecord`; a record with ``errors`` is a permerror for
receivers (they ignore all of it), so the check reports the first error as the verdict.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
# Terms that make a receiver query DNS; RFC 7208 section 4.6.4 allows at most 10 of them.
LOOKUP_TERMS = ("include", "a", "mx", "ptr", "exists", "redirect")
QUALIFIERS = "+-~?"

_MACRO = re.compile(r"%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\}|%%|%_|%-", re.IGNORECASE)
_LABEL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")
_MODIFIER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_CIDR = re.compile(r"^(?P<base>[^/]*)(?:/(?P<four>\d{1,4}))?(?://(?P<six>\d{1,4}))?$")


@dataclass(frozen=True)
class Term:
    """A mechanism (``qualifier`` set) or a modifier (``qualifier`` empty)."""

    qualifier: str
    name: str
    value: str
    text: str

    @property
    def is_modifier(self) -> bool:
        return not self.qualifier


@dataclass(frozen=True)
class SpfRecord:
    text: str
    terms: tuple[Term, ...]
    errors: tuple[str, ...]

    @property
    def mechanisms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.is_modifier)

    @property
    def all_term(self) -> Term | None:
        return next((t for t in self.mechanisms if t.name == "all"), None)

    def modifier(self, name: str) -> str | None:
        return next((t.value for t in self.terms if t.is_modifier and t.name == name), None)

    @property
    def redirect(self) -> str | None:
        """The redirect target, which receivers ignore when the record has an ``all``."""
        return None if self.all_term else self.modifier("redirect")

    @property
    def lookup_terms(self) -> tuple[Term, ...]:
        """The terms a receiver spends a DNS lookup on (``redirect`` only when it applies)."""
        return tuple(
            t
            for t in self.terms
            if t.name in LOOKUP_TERMS and (t.name != "redirect" or self.redirect is not None)
        )


def is_spf(txt: str) -> bool:
    """Whether a TXT string is an SPF record (version tag ``v=spf1``, any case)."""
    head = txt.lstrip()[:7].lower()
    return head == "v=spf1" or (head.startswith("v=spf1") and head[6:7] == " ")


def has_macro(spec: str) -> bool:
    return "%" in spec


def domain_spec_error(spec: str) -> str | None:
    """Why ``spec`` is not a valid domain-spec, or None."""
    if not spec:
        return "an empty domain"
    rest = _MACRO.sub("", spec)
    if "%" in rest:
        return f"{spec!r} has an invalid macro"
    if has_macro(spec):
        return None  # expanded per message; only its syntax can be checked here
    name = spec[:-1] if spec.endswith(".") else spec
    labels = name.split(".")
    if len(name) > 253 or any(not _LABEL.match(label) for label in labels):
        return f"{spec!r} is not a valid domain name"
    if len(labels) < 2 or labels[-1].isdigit():
        return f"{spec!r} is not a fully qualified domain name"
    return None


def _cidr_error(text: str, four: str | None, six: str | None) -> str | None:
    if four is not None and not 0 <= int(four) <= 32:
        return f"{text!r}: IPv4 prefix length must be 0-32"
    if six is not None and not 0 <= int(six) <= 128:
        return f"{text!r}: IPv6 prefix length must be 0-128"
    return None


def _mechanism_error(name: str, value: str | None, text: str) -> str | None:
    if name == "all":
        return None if value is None else f"{text!r}: 'all' takes no argument"
    if name in ("include", "exists"):
        if value is None or not value.startswith(":"):
            return f"{text!r}: '{name}' needs ':domain'"
        return domain_spec_error(value[1:])
    if name in ("ip4", "ip6"):
        if value is None or not value.startswith(":"):
            return f"{text!r}: '{name}' needs ':address'"
        try:
            network = ipaddress.ip_network(value[1:], strict=False)
        except ValueError:
            return f"{text!r}: {value[1:]!r} is not an {name} address or network"
        if network.version != (4 if name == "ip4" else 6):
            return f"{text!r}: {value[1:]!r} is not an {name} address"
        return None
    # a, mx, ptr: optional :domain; a and mx also take dual CIDR lengths
    argument = value or ""
    match = _CIDR.match(argument)
    if match is None or (name == "ptr" and (match["four"] or match["six"])):
        return f"{text!r}: malformed argument"
    base = match["base"]
    if base and not base.startswith(":"):
        return f"{text!r}: malformed argument"
    if base:
        problem = domain_spec_error(base[1:])
        if problem:
            return problem
    return _cidr_error(text, match["four"], match["six"])


def _parse_term(text: str) -> tuple[Term | None, str | None]:
    qualifier = "+"
    body = text
    if body[0] in QUALIFIERS:
        qualifier, body = body[0], body[1:]
    head = re.match(r"^[A-Za-z][A-Za-z0-9_.-]*", body)
    name = head.group(0).lower() if head else ""
    rest = body[len(name) :]  # name is "" when there is no head
    if rest.startswith("=") and name and qualifier == "+" and text[0] not in QUALIFIERS:
        if not _MODIFIER_NAME.match(name):
            return None, f"{text!r}: invalid modifier name"
        value = rest[1:]
        if name in ("redirect", "exp"):
            problem = domain_spec_error(value)
            if problem:
                return None, f"{text!r}: {problem}"
        elif _MACRO.sub("", value).count("%"):
            return None, f"{text!r} has an invalid macro"
        return Term("", name, value, text), None
    if name not in MECHANISMS:
        return None, f"unknown mechanism {text!r}"
    problem = _mechanism_error(name, rest or None, text)
    if problem:
        return None, problem
    value = rest[1:] if rest.startswith(":") else rest
    return Term(qualifier, name, value, text), None


def parse_spf(text: str) -> SpfRecord:
    """Parse one SPF record; never raises. ``errors`` empty means syntactically valid."""
    errors: list[str] = []
    if not is_spf(text):
        return SpfRecord(text, (), ("does not start with 'v=spf1'",))
    if not text.isascii():
        errors.append("contains non-ASCII characters")
    terms: list[Term] = []
    for word in text.split()[1:]:
        term, problem = _parse_term(word)
        if problem:
            errors.append(problem)
        elif term is not None:
            terms.append(term)
    for modifier in ("redirect", "exp"):
        if sum(1 for t in terms if t.is_modifier and t.name == modifier) > 1:
            errors.append(f"'{modifier}=' appears more than once")
    return SpfRecord(text, tuple(terms), tuple(errors))
