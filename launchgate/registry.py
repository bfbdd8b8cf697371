"""The registry of checks: one table of check id -> module, in the order they run and report.

Each module exposes ``SPEC`` (:class:`~launchgate.checkapi.CheckSpec`) and is imported only when
the checks are first needed, so ``launchgate --version`` stays instant and no check imports the
registry. Adding a check: write its package with ``check.py`` and add one line to the table.
Tests put stub checks in :data:`REGISTRY` with :func:`register`.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Iterator, Mapping

from launchgate.checkapi import CheckSpec
from launchgate.resources import schema_path

BUILTIN_CHECKS: dict[str, str] = {
    "env": "launchgate.envcheck.check",
    "secrets": "launchgate.secretscan.check",
    "smoke": "launchgate.smoke.check",
    "perf": "launchgate.perf.check",
    "dns": "launchgate.dnscheck.check",
}

REGISTRY: dict[str, CheckSpec] = {}

NOT_IN_THIS_VERSION = "not in this version of launchgate"


@functools.cache
def known_check_ids() -> tuple[str, ...]:
    """Every check id the manifest schema knows (``checks:`` keys), built here or not.

    An id in this list that the build lacks is "not in this version": skipped with a notice, not
    an unknown-check error, so a manifest or workflow written for a newer launchgate still runs.
    """
    schema = json.loads(schema_path("launchready.schema.json").read_text(encoding="utf-8"))
    return tuple(schema["properties"]["checks"]["propertyNames"]["enum"])


def not_in_this_version(check_id: str, available: Mapping[str, CheckSpec]) -> bool:
    """True for a check id the schema knows but this build (``available``) does not have."""
    return check_id not in available and check_id in known_check_ids()


def register(spec: CheckSpec) -> CheckSpec:
    """Add (or replace) a check; a registered id is not replaced by the built-in one."""
    REGISTRY[spec.id] = spec
    return spec


def unregister(check_id: str) -> None:
    REGISTRY.pop(check_id, None)


class _Checks(Mapping[str, CheckSpec]):
    """Every check id, built-in ones first in table order; a built-in check's module is imported
    when its spec is first read, so ``launchgate secrets`` never imports the HTTP stack."""

    def __iter__(self) -> Iterator[str]:
        yield from BUILTIN_CHECKS
        yield from (check_id for check_id in REGISTRY if check_id not in BUILTIN_CHECKS)

    def __len__(self) -> int:
        return len(set(BUILTIN_CHECKS) | set(REGISTRY))

    def __contains__(self, check_id: object) -> bool:
        return check_id in BUILTIN_CHECKS or check_id in REGISTRY

    def __getitem__(self, check_id: str) -> CheckSpec:
        if check_id not in REGISTRY and check_id in BUILTIN_CHECKS:
            module_path = BUILTIN_CHECKS[check_id]
            spec = importlib.import_module(module_path).SPEC
            if not isinstance(spec, CheckSpec) or spec.id != check_id:
                raise TypeError(f"{module_path}.SPEC is not the CheckSpec of {check_id!r}")
            REGISTRY[check_id] = spec
        return REGISTRY[check_id]


def load_builtin_checks() -> Mapping[str, CheckSpec]:
    """Every check (built-in and registered), each imported only when its spec is read."""
    return _Checks()
