"""Base64 values (Kubernetes Secret ``data:``) are reported as what they hold."""

from __future__ import annotations

import base64

from launchgate.redact import redact
from launchgate.secretscan.linetext import decode_base64
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import by_rule, github_token, stripe_key


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_decode_base64_takes_printable_text_only() -> None:
    assert decode_base64(b64("sk_live_abcdef123456")) == "sk_live_abcdef123456"
    assert decode_base64(base64.urlsafe_b64encode(b"a>b?c>d?e>f?g>").decode()) == "a>b?c>d?e>f?g>"
    assert decode_base64("c2tfbGl2ZV9hYmNkZWYxMjM0NT") is None  # length not a multiple of 4
    assert decode_base64(base64.b64encode(b"\x00\x01binary\xff\xfe!!").decode()) is None
    assert decode_base64("ThisIsAPlainIdentifierName") is None  # decodes to bytes, not text
    assert decode_base64("short==") is None


def test_kubernetes_secret_values_are_decoded_and_reported_as_what_they_hold(
    repo: GitRepo, scan
) -> None:
    gh, sk = github_token(), stripe_key()
    manifest = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n"
        f"  GITHUB_TOKEN: {b64(gh)}\n  STRIPE_SECRET_KEY: {b64(sk)}\n"
    )
    repo.commit("deploy", {"k8s/secret.yaml": manifest})
    result = scan(repo.path)
    [token] = by_rule(result, "secrets.github-token")
    assert token.location.path == "k8s/secret.yaml" and token.location.line == 7
    assert token.details["redacted"] == redact(gh)
    assert token.location.column == manifest.splitlines()[6].index(b64(gh)) + 1
    [stripe] = by_rule(result, "secrets.stripe-secret-key")
    assert stripe.details["redacted"] == redact(sk)
    assert not by_rule(result, "secrets.generic-api-key")
    assert gh in result._masked and sk in result._masked  # type: ignore[attr-defined]
