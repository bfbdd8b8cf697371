"""What a server's certificate and TLS handshake look like, even when they are wrong.

A browser stops at the first error; a launch gate must say everything at once: an expired
certificate for the wrong host still has dates worth reporting. So the handshake is made with a
chain-verifying context (hostname checked separately, by :func:`hostname_matches`), and if the
chain does not verify, once more without verification just to read the certificate.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from launchgate.findings import CertificateFact
from launchgate.web.client import WebSettings, current_deadline, unverified_ssl_context
from launchgate.web.lookup import Endpoint, LookupTimeout, endpoints_within, is_ip


class TLSProbeError(Exception):
    """No certificate could be read. ``kind``: dns, lookup-timeout, refused, timeout, reset,
    not-tls, handshake, connect; ``reason`` says what happened in words a user can act on."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class CertificateInfo:
    """The leaf certificate a server presented and how the handshake went."""

    host: str
    port: int
    subject: str
    issuer: str
    sans: tuple[str, ...]
    not_before: dt.datetime
    not_after: dt.datetime
    hostname_match: bool
    chain_verified: bool  # the chain reaches a trusted root (dates aside: see not_after)
    verify_error: str | None
    tls_version: str
    sha256: str

    def days_left(self, now: dt.datetime | None = None) -> float:
        """Days until ``not_after`` (negative once expired)."""
        now = now or dt.datetime.now(dt.UTC)
        return (self.not_after - now).total_seconds() / 86400.0

    def not_yet_valid(self, now: dt.datetime | None = None) -> bool:
        return (now or dt.datetime.now(dt.UTC)) < self.not_before


def _ascii_host(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def hostname_matches(host: str, sans: tuple[str, ...]) -> bool:
    """RFC 6125 matching of ``host`` against DNS/IP subject alternative names.

    A wildcard stands for exactly one whole left-most label (``*.example.com`` matches
    ``www.example.com``, not ``example.com`` nor ``a.b.example.com``); IP addresses match only IP
    entries. The subject CN is not consulted: browsers have not used it for years.
    """
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        ip = None
    if ip is not None:
        return any(_same_ip(ip, san) for san in sans)
    labels = _ascii_host(host).split(".")
    for san in sans:
        pattern = _ascii_host(san).split(".")
        if len(pattern) != len(labels):
            continue
        if pattern[0] == "*" and len(pattern) > 2:
            if pattern[1:] == labels[1:] and labels[0]:
                return True
        elif pattern == labels:
            return True
    return False


def _same_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, san: str) -> bool:
    try:
        return ipaddress.ip_address(san) == ip
    except ValueError:
        return False


# OpenSSL's X509_V_FLAG_NO_CHECK_TIME (not named by the ssl module): judge the chain without its
# dates, which are judged separately, so an expired certificate is one finding, not two.
_NO_CHECK_TIME = 0x200000


@functools.cache
def _chain_context(ca_file: str) -> ssl.SSLContext:
    """Verifies the chain against the bundle; the hostname is judged by hostname_matches and
    the dates by the caller."""
    context = ssl.create_default_context(cafile=ca_file)
    context.check_hostname = False
    context.verify_flags |= _NO_CHECK_TIME
    return context


def _handshake(
    host: str, port: int, endpoints: list[Endpoint], context: ssl.SSLContext, limits: _Limits
) -> tuple[bytes, str]:
    connect_s, read_s, ends = limits
    with _connect(endpoints, connect_s, ends) as sock:
        # Python's ssl takes a socket's timeout as the deadline of the whole handshake (not of
        # each read), so a server that sends one byte at a time is cut off at what is left.
        sock.settimeout(_until(read_s, ends))
        server_name = None if is_ip(host) else host
        with context.wrap_socket(sock, server_hostname=server_name) as tls:
            der = tls.getpeercert(binary_form=True)
            version = tls.version() or "unknown"
    if not der:
        raise TLSProbeError("handshake", f"{host}:{port} presented no certificate")
    return der, version


# connect timeout, read timeout, the monotonic time by which the whole probe ends
_Limits = tuple[float, float, float]


def _connect(endpoints: list[Endpoint], connect_s: float, ends: float) -> socket.socket:
    """A TCP connection to the first endpoint that accepts one, each try bounded by the connect
    timeout and all of them by ``ends`` (as ``socket.create_connection`` does, minus its lookup)."""
    error: OSError = OSError("the name has no address")
    for family, kind, proto, address in endpoints:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(_until(connect_s, ends))
            sock.connect(address)
        except OSError as exc:
            sock.close()
            error = exc
            if isinstance(exc, TimeoutError) and time.monotonic() >= ends:
                break
            continue
        return sock
    raise error


def _until(limit: float, ends: float) -> float:
    """``limit`` seconds, or what is left before ``ends`` if that is less."""
    left = ends - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline passed")
    return min(limit, left)


# OpenSSL's words for "the other side answered, but not with TLS records".
_NOT_TLS_REASONS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER", "PACKET_LENGTH", "HTTP_REQUEST")


def _probe_error(host: str, port: int, exc: OSError) -> TLSProbeError:
    where = f"{host}:{port}"
    if isinstance(exc, socket.gaierror):
        return TLSProbeError("dns", f"{host} does not resolve ({exc.strerror or exc})")
    if isinstance(exc, ConnectionRefusedError):
        return TLSProbeError("refused", f"{where} refused the connection")
    if isinstance(exc, TimeoutError | socket.timeout):
        return TLSProbeError("timeout", f"{where} did not complete a TLS handshake in time")
    if isinstance(exc, ConnectionResetError | ssl.SSLEOFError | BrokenPipeError):
        return TLSProbeError("reset", f"{where} closed the connection during the TLS handshake")
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or str(exc)).upper()
        if any(word in reason for word in _NOT_TLS_REASONS):
            return TLSProbeError("not-tls", f"{where} does not speak TLS (plain HTTP there?)")
        return TLSProbeError("handshake", f"TLS handshake with {where} failed: {exc.reason or exc}")
    return TLSProbeError("connect", f"cannot connect to {where}: {exc.strerror or exc}")


def inspect_certificate(
    host: str, port: int, settings: WebSettings, deadline: float | None = None
) -> CertificateInfo:
    """Handshake with ``host:port`` (honouring ``--resolve``) and describe its certificate.

    Bounded in time as a whole, both handshakes together (the second reads a certificate that
    failed verification): by the connect plus read timeout from now, by ``deadline`` (a
    ``time.monotonic()`` value) and by the thread's ``request_deadline``, whichever ends first.
    Raises :class:`TLSProbeError` when no certificate can be read at all.
    """
    ends = time.monotonic() + settings.connect_timeout_s + settings.read_timeout_s
    ends = min(t for t in (ends, deadline, current_deadline()) if t is not None)
    limits = (settings.connect_timeout_s, settings.read_timeout_s, ends)
    endpoints = _look_up(host, port, settings, limits)
    verify_error: str | None = None
    try:
        try:
            context = _chain_context(settings.ca_file)
            der, version = _handshake(host, port, endpoints, context, limits)
        except ssl.SSLCertVerificationError as exc:
            verify_error = exc.verify_message or exc.reason or str(exc)
            der, version = _handshake(host, port, endpoints, unverified_ssl_context(), limits)
    except OSError as exc:
        raise _probe_error(host, port, exc) from exc
    return describe(host, port, der, version, verify_error)


def lookup_wait(connect_s: float, ends: float, now: float) -> float:
    """How long the name lookup may take: it is part of connecting, so at most the connect
    timeout, and never past the end of the whole probe (0 or less: no time left)."""
    return min(connect_s, ends - now)


def _look_up(host: str, port: int, settings: WebSettings, limits: _Limits) -> list[Endpoint]:
    """Where to connect (``--resolve`` first), looked up within the probe's own deadline: a
    resolver that does not answer is "could not check", never a hang."""
    address = settings.address_for(host, port)
    connect_s, _, ends = limits
    try:
        return endpoints_within(address, port, lookup_wait(connect_s, ends, time.monotonic()))
    except LookupTimeout as exc:
        raise TLSProbeError(
            "lookup-timeout",
            f"the certificate of {host}:{port} could not be checked: {exc}",
        ) from exc
    except OSError as exc:  # gaierror: the name does not resolve
        raise _probe_error(host, port, exc) from exc
    except UnicodeError as exc:  # a label the IDNA codec refuses (empty, over 63 characters)
        raise TLSProbeError("dns", f"{host} is not a name that can be looked up: {exc}") from exc


def certificate_fact(check: str, info: CertificateInfo, now: dt.datetime) -> CertificateFact:
    """What the report keeps of a certificate ``check`` read (healthy or not) for the handover."""
    return CertificateFact(
        check=check,
        host=info.host,
        port=info.port,
        issuer=info.issuer,
        not_before=info.not_before.isoformat(timespec="seconds"),
        not_after=info.not_after.isoformat(timespec="seconds"),
        days_left=info.days_left(now),
        names=info.sans,
        chain_verified=info.chain_verified,
        hostname_match=info.hostname_match,
        tls_version=info.tls_version,
        sha256=info.sha256,
    )


def describe(
    host: str, port: int, der: bytes, version: str, verify_error: str | None
) -> CertificateInfo:
    """Parse a DER certificate into :class:`CertificateInfo` (dates in UTC)."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise TLSProbeError("handshake", f"{host}:{port} sent an unreadable certificate") from exc
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n) for n in san.get_values_for_type(x509.DNSName)]
        names += [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        names = []
    sans = tuple(names)
    return CertificateInfo(
        host=host,
        port=port,
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        sans=sans,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        hostname_match=hostname_matches(host, sans),
        chain_verified=verify_error is None,
        verify_error=verify_error,
        tls_version=version,
        sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )
