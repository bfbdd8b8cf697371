from tests.fixtures.dnsresponder import responder
from tests.fixtures.nsd import nsd

__all__ = ["nsd", "responder"]
