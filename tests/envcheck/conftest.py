"""A project that carries every env problem the check must find, built fresh per test."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from launchgate.checkapi import CheckContext
from launchgate.envcheck.check import check_env
from launchgate.findings import CheckResult
from launchgate.manifest import load_manifest
from launchgate.store import Store

MANIFEST = """\
version: 1
environments:
  production: {env_files: [.env.production]}
  staging: {env_files: [.env.staging]}
env:
  sources: []
  required:
    - {name: DATABASE_URL, format: url, schemes: [postgres, postgresql]}
    - {name: STRIPE_SECRET_KEY, pattern: "^sk_live_", environments: [production]}
    - {name: STRIPE_SECRET_KEY, pattern: "^sk_test_", environments: [staging]}
    - {name: SESSION_SECRET, min_length: 24}
    - {name: APP_URL, format: url, production_schemes: [https]}
    - {name: PORT, format: port}
    - {name: SENTRY_DSN, format: url, optional: true}
    - {name: SMTP_PASSWORD, required_if: SMTP_HOST}
    - {name: MAILER_API_KEY}
    - {name: LOG_LEVEL, format: enum, values: [debug, info, warning]}
  ignore: ["IGNORED_*"]
"""

# Every value below is searched for in every output; none may appear.
PRODUCTION = """\
# production config
DATABASE_URL=postgres://app:Pr0dDbPassw0rd@staging-db.internal:5432/app
STRIPE_SECRET_KEY=sk_test_51HfzXq2eZvKYlo2CqRsTuVw
SESSION_SECRET=9f8e7d6c5b4a3928171605f4e3d2c1b0
APP_URL=http://localhost:3000
PORT=99999
SMTP_HOST=smtp.bookly.io

MAILER_API_KEY=your-mailer-key-here
LOG_LEVEL=verbose
DEBUG=true
EXTRA_TOKEN=<paste-token>
"""

STAGING = """\
DATABASE_URL=postgres://app:St4gingDbPass@db.staging.bookly.io:5432/app
STRIPE_SECRET_KEY=sk_test_Stg9YhUjIkOlP0aZsXdCfV
SESSION_SECRET=9f8e7d6c5b4a3928171605f4e3d2c1b0
APP_URL=
PORT=8080
MAILER_API_KEY=${MAILER_KEY_FROM_VAULT}
LOG_LEVEL=info
DEBUG=true
"""

SOURCES = {
    "app/settings.py": """\
        import os
        # os.environ["DECOY_PY_COMMENT"]
        HELP = "set os.environ['DECOY_PY_STRING']"
        DATABASE_URL = os.environ["DATABASE_URL"]
        FEATURE = os.getenv("UNDECLARED_FEATURE_FLAG", "off")
        IGNORED = os.getenv("IGNORED_LOCAL_ONLY")
        """,
    "web/src/pay.ts": """\
        // process.env.DECOY_TS_COMMENT
        const msg = "process.env.DECOY_TS_STRING";
        export const key = process.env.STRIPE_SECRET_KEY;
        export const url = process.env["APP_URL"] ?? "";
        export const region = process.env.UNDECLARED_REGION;
        """,
    "config/mailer.rb": """\
        # ENV["DECOY_RB_COMMENT"]
        KEY = ENV.fetch("MAILER_API_KEY")
        PASS = ENV["SMTP_PASSWORD"]
        HOST = ENV["SMTP_HOST"]
        """,
    ".github/workflows/deploy.yml": """\
        on: push
        # ${{ secrets.DECOY_WORKFLOW_COMMENT }}
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: deploy --token ${{ secrets.DEPLOY_TOKEN }} --port ${{ vars.PORT }}
        """,
}


def secret_values() -> list[str]:
    """Every value in the scenario's dotenv files (long enough to be searched for meaningfully)."""
    values = []
    for text in (PRODUCTION, STAGING):
        for line in text.splitlines():
            if "=" in line and not line.startswith("#"):
                value = line.split("=", 1)[1]
                if len(value) >= 5:
                    values.append(value)
    return values


def write_project(
    root: Path, manifest: str = MANIFEST, files: Mapping[str, str] | None = None
) -> Path:
    (root / "launchready.yml").write_text(manifest)
    (root / ".env.production").write_text(PRODUCTION)
    (root / ".env.staging").write_text(STAGING)
    for relative, text in (SOURCES if files is None else files).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


Runner = Callable[..., tuple[CheckResult, CheckContext]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


@pytest.fixture
def run_check() -> Runner:
    def run(
        root: Path, environ: Mapping[str, str] | None = None, environment: str | None = None
    ) -> tuple[CheckResult, CheckContext]:
        manifest = load_manifest(root / "launchready.yml")
        ctx = CheckContext(
            root=root,
            manifest=manifest,
            store=Store(root / ".launchgate"),
            params={"environment": environment},
        )
        return check_env(ctx, environ={} if environ is None else environ), ctx

    return run
