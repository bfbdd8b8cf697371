"""Oversized files a pull request can bring are refused before they are read into memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.checkapi import CheckError
from launchgate.envcheck.values import load_pack
from launchgate.secretscan.baseline import MAX_BASELINE_BYTES, BaselineError, load_baseline
from launchgate.secretscan.rules import RulePackError, read_pack
from launchgate.yamlguard import MAX_PACK_BYTES


def _sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that costs no disk and would cost ``size`` of memory to read."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_a_baseline_over_its_cap_is_refused_with_its_size(tmp_path: Path) -> None:
    big = _sparse(tmp_path / ".launchgate-secrets.json", MAX_BASELINE_BYTES + 1)
    with pytest.raises(BaselineError, match="over the 20,000,000-byte cap"):
        load_baseline([big])


def test_a_secrets_rule_pack_over_its_cap_is_refused(tmp_path: Path) -> None:
    big = _sparse(tmp_path / "pack.yml", MAX_PACK_BYTES + 1)
    with pytest.raises(RulePackError, match="over the 1,000,000-byte cap"):
        read_pack(big)


def test_an_env_value_pack_over_its_cap_is_refused(tmp_path: Path) -> None:
    big = _sparse(tmp_path / "pack.yml", MAX_PACK_BYTES + 1)
    with pytest.raises(CheckError, match="over the 1,000,000-byte cap"):
        load_pack(big)
