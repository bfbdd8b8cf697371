"""DKIM key records (RFC 6376 section 3.6.1, RFC 8463) and the strength of the key they publish.

Pure and total: :func:`parse_dkim` never raises; :func:`key_verdict` reads the key with
``cryptography`` (the bit length of an RSA key is only known from its parsed modulus).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

from launchgate.dnscheck.tags import parse_tags
from launchgate.findings import Severity


@dataclass(frozen=True)
class DkimRecord:
    text: str
    key_type: str = "rsa"
    public_key: str = ""
    testing: bool = False
    errors: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def revoked(self) -> bool:
        """An empty ``p=`` is how a signer revokes a key (RFC 6376 section 3.6.1)."""
        return not self.errors and self.public_key == ""


@dataclass(frozen=True)
class KeyVerdict:
    """``severity`` None means the key is fine; ``description`` says what it is either way."""

    description: str
    severity: Severity | None = None
    bits: int | None = None


def parse_dkim(text: str) -> DkimRecord:
    tags, problems = parse_tags(text)
    errors = list(problems)
    version = tags.get("v")
    if version is not None:
        if version != "DKIM1":
            errors.append(f"v={version!r} is not DKIM1")
        elif next(iter(tags)) != "v":
            errors.append("v=DKIM1 must be the first tag")
    if "p" not in tags:
        errors.append("no public key (p=) tag")
    key_type = tags.get("k", "rsa").lower()
    flags = {f.strip() for f in tags.get("t", "").split(":")}
    key = "".join(tags.get("p", "").split())
    return DkimRecord(text, key_type, key, "y" in flags, tuple(errors), tags)


def key_verdict(record: DkimRecord) -> KeyVerdict:
    """How strong the published key is: RSA under 1024 bits high, 1024 medium, 2048+ fine."""
    if record.key_type not in ("rsa", "ed25519"):
        return KeyVerdict(f"unknown key type k={record.key_type}", Severity.HIGH)
    try:
        der = base64.b64decode(record.public_key, validate=True)
    except (binascii.Error, ValueError):
        return KeyVerdict("the public key is not valid base64", Severity.HIGH)
    if record.key_type == "ed25519":
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(der)
        except ValueError:
            return KeyVerdict("the Ed25519 key is not 32 bytes", Severity.HIGH)
        return KeyVerdict("Ed25519 key")
    try:
        key = load_der_public_key(der)
    except (ValueError, TypeError) as exc:
        return KeyVerdict(f"the public key cannot be read ({exc})", Severity.HIGH)
    if not isinstance(key, rsa.RSAPublicKey):
        return KeyVerdict("k=rsa but the key is not an RSA key", Severity.HIGH)
    bits = key.key_size
    if bits < 1024:
        return KeyVerdict(f"{bits}-bit RSA key, which can be factored", Severity.HIGH, bits)
    if bits < 2048:
        return KeyVerdict(
            f"{bits}-bit RSA key, below the 2048 bits now expected", Severity.MEDIUM, bits
        )
    return KeyVerdict(f"{bits}-bit RSA key", None, bits)
