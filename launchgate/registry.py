"""The registry of checks: one table of check id -> module, in the order they run and report.

Each module exposes ``SPEC`` (:class:`~launchgate.checkapi.CheckSpec`) and is imported only when
the checks are first needed, so ``launchgate --version`` stays instant and no check imports the
registry. Adding a check: write its package with ``check.py`` and add one line to the table.
Tests put stub checks in :data:`REGISTRY` with :func:`register`.
"""

from __future__ import annotations

import importlib

from launchgate.checkapi import CheckSpec

BUILTIN_CHECKS: dict[str, str] = {
    "env": "launchgate.envcheck.check",
    "secrets": "launchgate.secretscan.check",
}

REGISTRY: dict[str, CheckSpec] = {}


def register(spec: CheckSpec) -> CheckSpec:
    """Add (or replace) a check; a registered id is not replaced by the built-in one."""
    REGISTRY[spec.id] = spec
    return spec


def unregister(check_id: str) -> None:
    REGISTRY.pop(check_id, None)


def load_builtin_checks() -> dict[str, CheckSpec]:
    """Import each built-in check once (lazily) and return every registered check."""
    for check_id, module_path in BUILTIN_CHECKS.items():
        if check_id not in REGISTRY:
            spec = importlib.import_module(module_path).SPEC
            if not isinstance(spec, CheckSpec) or spec.id != check_id:
                raise TypeError(f"{module_path}.SPEC is not the CheckSpec of {check_id!r}")
            REGISTRY[check_id] = spec
    return REGISTRY
