"""A project that declares a full launch, with planted problems, and its recorded reports.

The env and secrets reports are recorded at test time by running the real checks on a real git
repository (a leaked key in the tree, another only in history, placeholder values in production).
The smoke, perf and dns reports (tests/deliver/reports/*.json) were recorded by running the real
checks against the Shop served on loopback with planted problems (``tests/deliver/recorder.py``;
``test_recorded_reports.py`` records them again and compares).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchgate import registry
from launchgate.checkapi import Masker
from launchgate.deliver.evidence import report_dict
from launchgate.manifest import load_manifest
from launchgate.runner import RunOptions, run_gate
from tests.fixtures.gitrepo import GitRepo

REPORTS = Path(__file__).parent / "reports"

# Built at run time so launchgate's own secrets scan of this file finds no credential.
TREE_KEY = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dcQx2Lm9Kp"
HISTORY_TOKEN = "ghp_" + "Zr8kQ2mP4xW7nB1vC9tY6uH3jL5sD0fGa1b2"
DB_PASSWORD = "Vq7" + "xLm29pQsT8wZr4"

OPERATIONS = """
operations:
  accounts:
    - {kind: registrar, provider: Namecheap, owner: Ana Ruiz, where: "1Password: Namecheap"}
    - {kind: dns, provider: Cloudflare, owner: Ana Ruiz, backup_owner: Ben Ode,
       where: "https://dash.cloudflare.com", domains: [shop.test, "*.shop.test"]}
    - {kind: hosting, provider: Fly.io, owner: Ben Ode, where: "https://fly.io/dashboard",
       domains: [www.shop.test]}
    - {kind: error_tracking, provider: Sentry, where: "https://sentry.io/shop"}
  deploy: {command: fly deploy --remote-only}
  rollback: {command: fly releases rollback, runbook: docs/rollback.md}
  restore:
    - {what: Postgres (orders), backups: "Fly volume snapshots, daily",
       steps: "fly postgres restore", last_tested: "2026-10-02"}
    - {what: Uploads bucket, backups: S3 versioning, runbook: docs/restore-uploads.md}
  contacts:
    - {name: Ana Ruiz, role: on-call, email: ana@shop.test, github: anaruiz}
    - {name: Fly.io support, role: hosting vendor, url: "https://community.fly.io"}
  monitors:
    provider: gatus
    dashboard: https://status.shop.test
    interval: 2m
    routes: [home, health, checkout]
    failure_threshold: 2
    repository: shopco/status
    alerts:
      - {type: email, to: [ops@shop.test, ana@shop.test], from: alerts@shop.test,
         smtp_host: smtp.postmark.test, smtp_port: 2525, smtp_password_env: SMTP_PASSWORD}
      - {type: slack, webhook_env: SLACK_ALERTS_WEBHOOK, channel: "#ops"}
"""

MANIFEST = """\
version: 1
project: Shop
fail_on: high
environments:
  production:
    base_url: https://www.shop.test
    env_files: [.env.production]
domains:
  - {name: shop.test, redirect_to: "https://www.shop.test"}
  - {name: www.shop.test, expect: {CNAME: shop.fly.dev}, tls: {min_days_valid: 21}}
  - {name: api.shop.test}
  - {name: old.shop.test, https: false}   # the retired shop, still a CNAME to Heroku
email:
  domains: [shop.test]
  dkim_selectors: [google]
env:
  sources: [process]
  required:
    - {name: DATABASE_URL, format: url, schemes: [postgres]}
    - {name: STRIPE_SECRET_KEY, pattern: "^sk_live_", secret: true}
    - {name: DB_PASSWORD, min_length: 8, secret: true}
    - {name: SMOKE_TOKEN, secret: true, optional: true}
secrets:
  history: true
routes:
  - {name: home, path: /, expect: {status: 200, contains: "Welcome to Shop"}, budget: {p95_ms: 400}}
  - {name: health, url: "https://api.shop.test/api/health",
     expect: {status: [200, 204], not_contains: Traceback}, budget: {p95_ms: 200}}
  - {name: login, path: /login, expect: {status: 200}}
  - name: account
    path: /api/me
    private: true
    auth: {bearer_env: SMOKE_TOKEN}
    headers: {Accept: application/json}
    expect: {status: 200, content_type: application/json}
  - {name: checkout, path: /api/checkout, method: POST, kind: write, body: '{"dry_run": true}',
     budget: {p95_ms: 900}}
"""


def build_project(root: Path, operations: str = OPERATIONS) -> GitRepo:
    """A git repository with the manifest and planted secrets (tree and history)."""
    repo = GitRepo(root)
    repo.commit("config", {"config/deploy.py": f'GITHUB_TOKEN = "{HISTORY_TOKEN}"\n'})
    repo.commit(
        "app",
        {
            "launchready.yml": MANIFEST + operations,
            "app/payments.py": f'STRIPE_KEY = "{TREE_KEY}"\n',
            ".env.production": (
                "DATABASE_URL=postgres://db.internal/shop\n"
                "STRIPE_SECRET_KEY=sk_test_placeholder\n"
                f"DB_PASSWORD={DB_PASSWORD}\n"
            ),
        },
        delete=("config/deploy.py",),
    )
    return repo


def record_report(root: Path, target: Path) -> Path:
    """Run the real env and secrets checks and save the JSON report, as `launchgate run` does."""
    manifest = load_manifest(root / "launchready.yml")
    options = RunOptions(only=("env", "secrets"), state_dir=root / ".launchgate")
    report = run_gate(manifest, root, options, registry.load_builtin_checks(), Masker())
    target.write_text(json.dumps(report_dict(report), indent=2))
    return target


@pytest.fixture(scope="session")
def launch_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted project with its recorded env+secrets report at ``reports/gate.json``."""
    root = tmp_path_factory.mktemp("shop") / "shop"
    build_project(root)
    (root / "reports").mkdir()
    record_report(root, root / "reports" / "gate.json")
    return root


@pytest.fixture(scope="session")
def all_reports(launch_project: Path) -> list[Path]:
    """Recorded env/secrets report, then the smoke, perf and dns reports."""
    return [launch_project / "reports" / "gate.json"] + [
        REPORTS / f"{name}.json" for name in ("smoke", "perf", "dns")
    ]
