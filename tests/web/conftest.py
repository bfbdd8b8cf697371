"""HTTPS servers with test-CA certificates for the web layer's tests."""

from tests.fixtures.https import https_server, pki, silent_port

__all__ = ["https_server", "pki", "silent_port"]
