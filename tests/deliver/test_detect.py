"""`launchgate init` pre-fills operations from what the repository shows, and still validates."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from launchgate.deliver.detect import suggest_operations
from launchgate.manifest import parse_manifest
from launchgate.starter import starter_manifest


def _starter(root: Path) -> dict[str, object]:
    text = starter_manifest(root)
    manifest = parse_manifest(text, root / "launchready.yml")  # raises if it does not validate
    return dict(manifest.data)


def test_nothing_seen_leaves_a_commented_example(tmp_path: Path) -> None:
    assert suggest_operations(tmp_path) == {}
    text = starter_manifest(tmp_path)
    assert "# operations:" in text
    assert "#   rollback: {command: ..., runbook: docs/rollback.md}" in text
    assert "operations" not in _starter(tmp_path)


def test_host_error_tracking_scripts_and_monitor_are_prefilled(tmp_path: Path) -> None:
    (tmp_path / "vercel.json").write_text("{}")
    (tmp_path / "package.json").write_text(
        json.dumps(
            {
                "scripts": {"deploy": "vercel deploy --prod"},
                "dependencies": {"@sentry/nextjs": "^8"},
            }
        )
    )
    (tmp_path / ".upptimerc.yml").write_text("owner: a\n")
    ops = _starter(tmp_path)["operations"]
    assert ops == {
        "accounts": [
            {"kind": "hosting", "provider": "Vercel"},
            {"kind": "error_tracking", "provider": "Sentry"},
        ],
        "deploy": {"command": "npm run deploy"},  # the project's own script beats the host's CLI
        "rollback": {"command": "vercel rollback"},
        "monitors": {"provider": "upptime", "interval": "1m"},
    }
    text = starter_manifest(tmp_path)
    assert "  # contacts: [{name: Ana, role: on-call, email: ana@example.com}]" in text
    assert "  # rollback:" not in text  # what was seen is not repeated as an example


def test_gatus_config_and_fly(tmp_path: Path) -> None:
    (tmp_path / "fly.toml").write_text("app = 'shop'\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.yaml").write_text(
        yaml.safe_dump({"endpoints": [{"name": "a", "conditions": ["[STATUS] == 200"]}]})
    )
    ops = suggest_operations(tmp_path)
    assert ops["deploy"] == {"command": "fly deploy"}
    assert "rollback" not in ops  # no command guessed where the host has none
    assert ops["monitors"]["provider"] == "gatus"
