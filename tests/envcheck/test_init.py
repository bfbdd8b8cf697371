"""``launchgate init``'s pre-fill of env.required from .env.example and the code scan."""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

from launchgate.envcheck.init import suggest_env_section
from launchgate.manifest import parse_manifest

EXAMPLE = """\
# Primary database
# (Postgres 15)
DATABASE_URL=postgres://user:pass@localhost:5432/app

PORT=3000
DEBUG=false
WORKERS=4
STRIPE_SECRET_KEY=your-key-here
ADMIN_EMAIL=ops@bookly.io
export QUOTED="two words"
not a binding
DATABASE_URL=duplicate-is-ignored
"""


WORKFLOW = """\
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo ${{ secrets.DEPLOY_KEY }} ${{ secrets.GITHUB_TOKEN }}
"""


def _tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_prefill_from_example_and_code(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".env.example": EXAMPLE,
        "app.py": """\
            import os
            # os.environ["COMMENTED_OUT"]
            db = os.environ["DATABASE_URL"]
            port = os.getenv("PORT", "3000")
            flag = os.getenv("FEATURE_X", "off")
            token = os.environ["SENTRY_AUTH_TOKEN"]
            home = os.environ["HOME"]
            """,
        "web/a.ts": "const r = process.env.REGION;\nconst d = process.env.DEBUG ?? 'false';\n",
        ".github/workflows/ci.yml": WORKFLOW,
    })  # fmt: skip
    entries = suggest_env_section(tmp_path)
    by_name = {e["name"]: e for e in entries}
    assert [e["name"] for e in entries] == [
        "DATABASE_URL", "PORT", "DEBUG", "WORKERS", "STRIPE_SECRET_KEY", "ADMIN_EMAIL", "QUOTED",
        "DEPLOY_KEY", "FEATURE_X", "REGION", "SENTRY_AUTH_TOKEN",
    ]  # fmt: skip
    assert by_name["DATABASE_URL"] == {
        "name": "DATABASE_URL", "description": "Primary database (Postgres 15)", "format": "url",
    }  # fmt: skip
    assert by_name["PORT"] == {"name": "PORT", "format": "port", "optional": True}
    assert by_name["DEBUG"]["format"] == "bool" and by_name["DEBUG"]["optional"] is True
    assert by_name["WORKERS"] == {"name": "WORKERS", "format": "int"}
    assert by_name["STRIPE_SECRET_KEY"] == {"name": "STRIPE_SECRET_KEY"}
    assert by_name["ADMIN_EMAIL"]["format"] == "email"
    assert by_name["FEATURE_X"]["optional"] is True
    assert "optional" not in by_name["SENTRY_AUTH_TOKEN"]
    assert by_name["SENTRY_AUTH_TOKEN"]["description"] == "Read in app.py:6."
    assert by_name["DEPLOY_KEY"]["optional"] is True  # only CI reads it

    # the suggestion drops straight into a manifest that validates
    text = yaml.safe_dump({"version": 1, "env": {"required": entries}}, sort_keys=False)
    manifest = parse_manifest(text, tmp_path / "launchready.yml")
    assert len(manifest.section("env")["required"]) == len(entries)


def test_prefill_without_example_or_code(tmp_path: Path) -> None:
    assert suggest_env_section(tmp_path) == []
    (tmp_path / ".env.sample").write_text("ONLY=1\n")
    assert suggest_env_section(tmp_path) == [{"name": "ONLY", "format": "int"}]


def test_prefill_infers_formats_from_names_and_live_test_keys(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".env.example": (
            "API_URL=\nCALLBACK_URI=changeme\nPORT=\nSMTP_PORT=\n"
            "STRIPE_SECRET_KEY=sk_test_replace_me\nSTRIPE_PUBLISHABLE_KEY=pk_test_abc\nNAME=\n"
        ),
        "web/a.ts": "const u = process.env.ASSETS_URL;\n",
    })  # fmt: skip
    entries = suggest_env_section(tmp_path, others=["staging", "preview"])
    assert entries == [
        {"name": "API_URL", "format": "url"},
        {"name": "CALLBACK_URI", "format": "url"},
        {"name": "PORT", "format": "port"},
        {"name": "SMTP_PORT", "format": "port"},
        {"name": "STRIPE_SECRET_KEY", "pattern": "^sk_live_", "environments": ["production"]},
        {
            "name": "STRIPE_SECRET_KEY",
            "pattern": "^sk_test_",
            "environments": ["staging", "preview"],
        },
        {"name": "STRIPE_PUBLISHABLE_KEY", "pattern": "^pk_live_", "environments": ["production"]},
        {
            "name": "STRIPE_PUBLISHABLE_KEY",
            "pattern": "^pk_test_",
            "environments": ["staging", "preview"],
        },
        {"name": "NAME"},
        {"name": "ASSETS_URL", "description": "Read in web/a.ts:1.", "format": "url"},
    ]
    # production only: just the live pattern
    only = suggest_env_section(tmp_path)
    assert [e.get("pattern") for e in only if e["name"] == "STRIPE_SECRET_KEY"] == ["^sk_live_"]
    text = yaml.safe_dump(
        {
            "version": 1,
            "environments": {"production": {}, "staging": {}, "preview": {}},
            "env": {"required": entries},
        },
        sort_keys=False,
    )
    assert len(parse_manifest(text, tmp_path / "launchready.yml").section("env")["required"]) == 10
