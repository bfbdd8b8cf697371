"""The explicit registry of checks, in the order they run and are reported.

Adding a check: write a module exposing a ``SPEC`` (:class:`~launchgate.checkapi.CheckSpec`) and
add one line below. Tests register stub checks with :func:`register`.
"""

from __future__ import annotations

from launchgate.checkapi import CheckSpec

REGISTRY: dict[str, CheckSpec] = {}


def register(spec: CheckSpec) -> CheckSpec:
    """Add (or replace) a check; returns it so modules can write ``SPEC = register(...)``."""
    REGISTRY[spec.id] = spec
    return spec


def unregister(check_id: str) -> None:
    REGISTRY.pop(check_id, None)


def load_builtin_checks() -> dict[str, CheckSpec]:
    """Import the built-in checks (lazily, so ``launchgate --version`` stays instant)."""
    # One import per check; each module calls register() at import time.
    import launchgate.envcheck.check  # noqa: F401
    from launchgate.secretscan import check as _secrets_check  # noqa: F401

    return REGISTRY
