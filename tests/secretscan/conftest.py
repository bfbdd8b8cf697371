"""Shared helpers: realistic secrets built at run time (so this repo's own scan stays clean)."""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from launchgate.checkapi import CheckContext
from launchgate.findings import CheckResult
from launchgate.manifest import Manifest
from launchgate.secretscan.check import run
from launchgate.store import Store
from tests.fixtures.gitrepo import GitRepo

_RNG = random.Random(20240607)
_ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


def github_token() -> str:
    return "ghp" + "_" + rand(36)


def aws_key_id() -> str:
    return "AK" + "IA" + rand(16, string.ascii_uppercase + "234567")


def stripe_key() -> str:
    return "sk" + "_live_" + rand(32)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


@pytest.fixture
def scan() -> Callable[..., CheckResult]:
    """Run the secrets check on ``root`` with params and an optional manifest section."""

    def _scan(root: Path, manifest: Mapping[str, Any] | None = None, **params: Any) -> CheckResult:
        data = {"version": 1, **(manifest or {})}
        m = Manifest(path=root / "launchready.yml", data=data)
        ctx = CheckContext(root=root, manifest=m, store=Store(root / ".state"), params=params)
        result = run(ctx)
        result_values = ctx.masker.values
        object.__setattr__(result, "_masked", result_values)  # for tests that check masking
        return result

    return _scan


def by_rule(result: CheckResult, rule: str) -> list[Any]:
    return [f for f in result.findings if f.rule == rule]
