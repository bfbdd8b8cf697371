"""The one HTTP client factory every network check uses (smoke, perf, dns).

Why one: timeouts, ``--resolve``, the CA bundle, the user agent and body limits must mean the
same thing in every check, and the SSL context (most of the ~20 ms an httpx client costs to build)
is made once per run and shared.

``--resolve HOST:PORT:ADDRESS`` has curl's meaning: connections to HOST:PORT go to ADDRESS while
the URL, the ``Host`` header and the TLS server name (SNI, certificate check) stay HOST. It is done
by a network backend that swaps the address at connect time, below TLS, so nothing else changes.
"""

from __future__ import annotations

import contextlib
import functools
import http.cookiejar
import ipaddress
import os
import ssl
import threading
import time
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import certifi
import httpcore
import httpx

from launchgate import __version__
from launchgate.web.body import ACCEPT_ENCODING
from launchgate.web.lookup import LookupTimeout, endpoints_within

ResolveMap = Mapping[tuple[str, int], str]
# How long a name lookup may take when a request has neither a timeout nor a deadline.
LOOKUP_FALLBACK_S = 30.0


class ResolveError(ValueError):
    """A ``--resolve`` entry that is not ``HOST:PORT:ADDRESS``."""


def parse_resolve(entry: str) -> tuple[tuple[str, int], str]:
    """``example.com:443:127.0.0.1`` -> ``(("example.com", 443), "127.0.0.1")``.

    The address may be IPv4, IPv6 (bare or in brackets, as curl writes it) or a host name.
    """
    host, sep1, rest = entry.strip().partition(":")
    port_text, sep2, address = rest.partition(":")
    usage = f"--resolve {entry!r}: expected HOST:PORT:ADDRESS, e.g. www.example.com:443:127.0.0.1"
    if not (sep1 and sep2 and host and port_text and address):
        raise ResolveError(usage)
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ResolveError(f"{usage} (port {port_text!r} is not a number from 1 to 65535)")
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    if ":" in address:
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            raise ResolveError(f"{usage} (address {address!r} is not an IP address)") from None
    if not address or any(c.isspace() for c in address + host):
        raise ResolveError(usage)
    return (host.lower().rstrip("."), int(port_text)), address


def parse_resolve_all(entries: Iterable[str]) -> dict[tuple[str, int], str]:
    """Several ``--resolve`` entries; a later entry for the same HOST:PORT wins (as in curl)."""
    return dict(parse_resolve(e) for e in entries)


def default_ca_bundle() -> str:
    """``SSL_CERT_FILE`` when set (the usual way to trust a private CA), else certifi's bundle."""
    return os.environ.get("SSL_CERT_FILE") or certifi.where()


@dataclass(frozen=True)
class WebSettings:
    """How every request of a run is made. Build it once per run (``from_params``)."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0
    resolve: ResolveMap = field(default_factory=lambda: MappingProxyType({}))
    ca_bundle: str | None = None
    user_agent: str = f"launchgate/{__version__}"
    max_body_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 10

    def __post_init__(self) -> None:
        # Frozen all the way down: a shared settings object must not change under another check.
        object.__setattr__(self, "resolve", MappingProxyType(dict(self.resolve)))

    @property
    def ca_file(self) -> str:
        return self.ca_bundle or default_ca_bundle()

    def address_for(self, host: str, port: int) -> str:
        """Where a connection to ``host:port`` really goes (``--resolve``), else ``host``."""
        return self.resolve.get((host.lower().rstrip("."), port), host)

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect_timeout_s,
            read=self.read_timeout_s,
            write=self.read_timeout_s,
            pool=self.connect_timeout_s,
        )

    @classmethod
    def from_params(cls, params: Mapping[str, Any], **overrides: Any) -> WebSettings:
        """Settings from a check's ``ctx.params``: ``resolve`` (list of curl-style entries),
        ``ca_bundle`` (path). Raises :class:`ResolveError` or ``ValueError`` on bad input
        (including a CA bundle that cannot be loaded)."""
        resolve = parse_resolve_all(params.get("resolve") or ())
        ca_bundle = params.get("ca_bundle") or None
        if ca_bundle is not None and not os.path.isfile(ca_bundle):
            raise ValueError(f"--ca-bundle {ca_bundle!r}: no such file")
        settings = cls(resolve=resolve, ca_bundle=ca_bundle, **overrides)
        ssl_context(settings)  # a bundle that is not PEM is a clear error now, not mid-run
        return settings


@functools.cache
def _ssl_context_for(ca_file: str) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"CA bundle {ca_file!r} cannot be used: {exc}") from exc


def ssl_context(settings: WebSettings) -> ssl.SSLContext:
    """The verifying SSL context for the settings' CA bundle: built once per bundle, then shared."""
    return _ssl_context_for(settings.ca_file)


@functools.cache
def unverified_ssl_context() -> ssl.SSLContext:
    """Verifies nothing. Only for judging a site whose certificate already failed (and was
    reported): never send credentials over a connection made with it."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


_deadline = threading.local()


@contextlib.contextmanager
def request_deadline(deadline: float) -> Iterator[None]:
    """Every network operation of the requests made inside (this thread) ends by ``deadline``
    (a ``time.monotonic()`` value): connect, TLS, headers and body together.

    httpx's timeouts are per operation, so a server sending one byte a second (in the headers or
    the body) would hold a request for as long as it likes; the streams below cut each read's
    timeout to what is left, then raise ``ReadTimeout``.
    """
    previous = getattr(_deadline, "at", None)
    _deadline.at = deadline if previous is None else min(previous, deadline)
    try:
        yield
    finally:
        _deadline.at = previous


def current_deadline() -> float | None:
    """The deadline :func:`request_deadline` set for this thread, if any (for network work
    outside httpx, such as the TLS prober's own handshakes)."""
    at: float | None = getattr(_deadline, "at", None)
    return at


def _left(timeout: float | None, operation: str) -> float | None:
    at: float | None = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        error = httpcore.ConnectTimeout if operation == "connect" else httpcore.ReadTimeout
        raise error(f"the request's deadline passed during {operation}")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation honours the thread's :func:`request_deadline`."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, "write"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _left(timeout, "connect"))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _ResolvingBackend(httpcore.SyncBackend):
    """Connects to the ``--resolve`` address; TLS (SNI, certificate name) still uses the host.
    The name lookup (``getaddrinfo``, which has no timeout of its own) is bounded like the
    connection, by the connect timeout and the thread's :func:`request_deadline`; then each
    address it gave is tried in turn. Streams end by the thread's :func:`request_deadline`."""

    def __init__(self, settings: WebSettings) -> None:
        self._settings = settings

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        address = self._settings.address_for(host, port)
        wait = _left(timeout, "connect")
        try:
            found = endpoints_within(address, port, LOOKUP_FALLBACK_S if wait is None else wait)
        except LookupTimeout as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except (OSError, UnicodeError) as exc:  # gaierror: the name does not resolve
            raise httpcore.ConnectError(str(exc)) from exc
        error: httpcore.ConnectError | None = None
        for _family, _kind, _proto, sockaddr in found:
            try:
                stream = super().connect_tcp(
                    str(sockaddr[0]), port, _left(timeout, "connect"), local_address, socket_options
                )
            except httpcore.ConnectError as exc:  # refused here: the next address may answer
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"{address} has no address")


class _ResolvingTransport(httpx.HTTPTransport):
    """httpx's own transport (request mapping, error mapping) over a resolving connection pool.

    httpx does not take a network backend, so the pool it builds is replaced by one that has ours;
    ``tests/web/test_client.py`` proves through a real HTTPS server that this still works.
    """

    def __init__(self, settings: WebSettings, limits: httpx.Limits, *, verify: bool) -> None:
        context = ssl_context(settings) if verify else unverified_ssl_context()
        super().__init__(verify=context, trust_env=False, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_ResolvingBackend(settings),
        )


# Where a Location header httpx cannot parse (or that is not http/https) is kept instead.
RAW_LOCATION = "x-launchgate-unfollowable-location"


def _keep_unfollowable_location(response: httpx.Response) -> None:
    """httpx parses every redirect's Location, even when not following, and raises on one it
    cannot parse (``javascript:...``), losing the answer. Such a Location (or one to another
    scheme) is moved to :data:`RAW_LOCATION` so the caller gets the answer and judges it."""
    location = response.headers.get("location")
    if location is None:
        return
    try:
        followable = response.request.url.join(location).scheme in ("http", "https")
    except (httpx.InvalidURL, ValueError):
        followable = False
    if not followable:
        response.headers[RAW_LOCATION] = location
        del response.headers["location"]


def _no_cookie_jar() -> http.cookiejar.CookieJar:
    """A jar that keeps nothing. httpx keeps every Set-Cookie and sends it with later requests
    of the client: one route's session would go with another route's anonymous probe, and one
    non-ASCII cookie made every later request to that host fail (UnicodeEncodeError). Checks
    that need a cookie (flows) capture it from the answer and send it themselves."""
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def make_client(
    settings: WebSettings,
    *,
    follow_redirects: bool = False,
    headers: Mapping[str, str] | None = None,
    max_connections: int = 20,
    verify: bool = True,
) -> httpx.Client:
    """A sync client with the run's timeouts, resolve map, CA bundle and user agent.

    Redirects are not followed by default: checks that judge redirects follow them hop by hop
    (and decide per hop which credentials may go along). Environment proxies and ``.netrc`` are
    ignored (``trust_env=False``) so no credential the user did not declare is ever sent.
    ``verify=False`` is for looking past a certificate failure that was already reported.
    """
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    all_headers = {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
    all_headers.update(headers or {})
    return httpx.Client(
        transport=_ResolvingTransport(settings, limits, verify=verify),
        timeout=settings.timeout(),
        follow_redirects=follow_redirects,
        max_redirects=settings.max_redirects,
        headers=all_headers,
        trust_env=False,
        event_hooks={"response": [_keep_unfollowable_location]},
        cookies=_no_cookie_jar(),
    )
