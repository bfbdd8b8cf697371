"""Name lookups bounded by a deadline: the waiting, the arithmetic, real unresolvable names."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from launchgate.web.client import WebSettings
from launchgate.web.lookup import LookupTimeout, call_within, endpoints_within
from launchgate.web.tls import TLSProbeError, inspect_certificate, lookup_wait
from tests.fixtures.https import PKI


def test_a_result_that_comes_in_time_is_returned() -> None:
    assert call_within(lambda: 42, 5.0, "answer") == 42


def test_the_work_s_own_error_reaches_the_caller() -> None:
    def fail() -> int:
        raise socket.gaierror(socket.EAI_NONAME, "no such name")

    with pytest.raises(socket.gaierror, match="no such name"):
        call_within(fail, 5.0, "look up x")


def test_work_that_blocks_is_abandoned_at_the_deadline_and_ends_on_its_own() -> None:
    """The stand-in for a resolver that never answers: work blocked until the test releases it.
    The caller gets LookupTimeout after wait_s, not when the work ends."""
    release = threading.Event()
    finished = threading.Event()

    def blocked() -> int:
        release.wait(60)
        finished.set()
        return 1

    started = time.monotonic()
    with pytest.raises(LookupTimeout, match=r"could not look up stuck\.test within 0\.3 s"):
        call_within(blocked, 0.3, "look up stuck.test")
    elapsed = time.monotonic() - started
    assert 0.29 < elapsed < 10  # the wait, with room for a loaded machine; never the 60 s
    assert not finished.is_set()
    release.set()
    assert finished.wait(10)  # the abandoned thread is not stuck for good


@pytest.mark.parametrize("wait_s", [0.0, -1.0])
def test_no_time_left_means_the_work_never_starts(wait_s: float) -> None:
    started: list[bool] = []
    with pytest.raises(LookupTimeout, match="no time was left to look up x"):
        call_within(lambda: started.append(True), wait_s, "look up x")
    assert started == []


@pytest.mark.parametrize(
    ("host", "family"), [("127.0.0.1", socket.AF_INET), ("[::1]", socket.AF_INET6)]
)
def test_an_ip_address_needs_no_lookup_and_no_time(host: str, family: socket.AddressFamily) -> None:
    (endpoint,) = endpoints_within(host, 8443, 0.0)
    assert endpoint[0] == family
    assert endpoint[3][:2] == (host.strip("[]"), 8443)


def test_a_name_is_looked_up_to_its_addresses() -> None:
    found = endpoints_within("localhost", 8443, 5.0)
    assert found and all(e[3][1] == 8443 for e in found)
    assert {e[3][0] for e in found} <= {"127.0.0.1", "::1"}


@pytest.mark.parametrize(
    ("connect_s", "ends", "now", "expected"),
    [
        (5.0, 100.0, 90.0, 5.0),  # plenty of time: the connect timeout bounds the lookup
        (5.0, 100.0, 98.5, 1.5),  # the probe's end comes first
        (5.0, 100.0, 100.0, 0.0),  # nothing left
        (5.0, 100.0, 101.0, -1.0),  # past the end
    ],
)
def test_lookup_wait_is_the_connect_timeout_capped_by_the_probe_s_end(
    connect_s: float, ends: float, now: float, expected: float
) -> None:
    assert lookup_wait(connect_s, ends, now) == expected


def test_an_invalid_name_is_a_clear_dns_error_within_the_deadline(pki: PKI) -> None:
    """RFC 6761 .invalid names never resolve (and the suite's guard keeps them on this host)."""
    settings = WebSettings(ca_bundle=str(pki.ca_file), connect_timeout_s=2, read_timeout_s=2)
    started = time.monotonic()
    with pytest.raises(TLSProbeError) as info:
        inspect_certificate("nowhere.invalid", 443, settings, deadline=started + 3)
    assert time.monotonic() - started < 3
    assert info.value.kind == "dns"
    assert (
        info.value.reason
        == "nowhere.invalid does not resolve (tests may not resolve 'nowhere.invalid')"
    )


def test_a_lookup_with_no_time_left_is_could_not_check_not_a_hang(pki: PKI) -> None:
    settings = WebSettings(ca_bundle=str(pki.ca_file))
    with pytest.raises(TLSProbeError) as info:
        inspect_certificate("app.invalid", 443, settings, deadline=time.monotonic() - 1)
    assert info.value.kind == "lookup-timeout"
    assert info.value.reason == (
        "the certificate of app.invalid:443 could not be checked: "
        "no time was left to look up app.invalid"
    )
