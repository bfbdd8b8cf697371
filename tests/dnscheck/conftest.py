from tests.fixtures.dnsresponder import responder
from tests.fixtures.https import https_server, pki
from tests.fixtures.nsd import nsd

__all__ = ["https_server", "nsd", "pki", "responder"]
