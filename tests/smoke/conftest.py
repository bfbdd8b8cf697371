"""Real sites for the smoke check: HTTPS with test-CA certificates, plain HTTP, run through the
registered check as ``launchgate smoke`` would."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchgate.checkapi import CheckContext, Masker
from launchgate.findings import CheckResult, Finding
from launchgate.manifest import Manifest, parse_manifest
from launchgate.smoke.check import SPEC
from launchgate.store import Store
from tests.fixtures.https import https_server, pki, silent_port

__all__ = ["https_server", "pki", "silent_port"]

RunSmoke = Callable[..., CheckResult]


@pytest.fixture
def run_smoke(tmp_path: Path, pki: Any) -> RunSmoke:
    """``run_smoke(manifest_dict=None, **params)`` -> the smoke check's result.

    The test CA is trusted (``ca_bundle``); ``resolve`` entries are passed as given.
    """

    def run(
        manifest: Mapping[str, Any] | None = None, masker: Masker | None = None, **params: Any
    ) -> CheckResult:
        data = {"version": 1, **(manifest or {})}
        path = tmp_path / "launchready.yml"
        path.write_text(yaml.safe_dump(dict(data)))
        loaded: Manifest = parse_manifest(path.read_text(), path)
        params.setdefault("ca_bundle", str(pki.ca_file))
        ctx = CheckContext(
            root=tmp_path,
            manifest=loaded,
            store=Store(tmp_path / ".lg"),
            params=params,
            masker=masker or Masker(),
        )
        result = SPEC.run(ctx)
        assert isinstance(result, CheckResult)
        return result

    return run


def rules(result: CheckResult) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in result.findings:
        out.setdefault(f.rule, []).append(f)
    return out
