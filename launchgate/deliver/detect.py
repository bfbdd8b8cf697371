"""What ``launchgate init`` can see of operations: the host, error tracking, deploy scripts, an
existing uptime monitor. Only what the repository shows is written live; owners, restore steps
and contacts stay commented examples for a person to fill, so the starter validates as written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# A file that reveals the host -> (provider, deploy command, rollback command or None).
HOSTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("fly.toml", "Fly.io", "fly deploy", None),
    ("vercel.json", "Vercel", "vercel --prod", "vercel rollback"),
    ("netlify.toml", "Netlify", "netlify deploy --prod", None),
    ("app.json", "Heroku", "git push heroku main", "heroku rollback"),
)
_SENTRY = ("@sentry/", "sentry-sdk", "sentry_sdk", "sentry-ruby")
_DEPENDENCY_FILES = ("package.json", "requirements.txt", "pyproject.toml", "Gemfile", "go.mod")
_GATUS_CONFIGS = ("config/config.yaml", "gatus/config.yaml", "gatus.yaml")
EXAMPLES = (
    "accounts: [{kind: registrar, provider: Namecheap, owner: Ana, where: '1Password: Namecheap'}]",
    "rollback: {command: ..., runbook: docs/rollback.md}",
    "restore: [{what: Postgres, backups: daily snapshots, steps: ..., last_tested: 2026-01-31}]",
    "contacts: [{name: Ana, role: on-call, email: ana@example.com}]",
    "monitors: {provider: gatus, interval: 1m, alerts: [{type: email, to: [ops@example.com]}]}",
)


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return ""


def _scripts(root: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read(root / "package.json") or "{}")
    except ValueError:
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return scripts if isinstance(scripts, dict) else {}


def _monitor(root: Path) -> str | None:
    if (root / ".upptimerc.yml").is_file():
        return "upptime"
    for candidate in _GATUS_CONFIGS:
        text = _read(root / candidate)
        if "endpoints:" in text and "conditions:" in text:
            return "gatus"
    return None


def suggest_operations(root: Path) -> dict[str, Any]:
    """The parts of ``operations`` the repository shows (empty when it shows none)."""
    host = next((h for h in HOSTS if (root / h[0]).is_file()), None)
    scripts = _scripts(root)
    out: dict[str, Any] = {}
    accounts = []
    if host:
        accounts.append({"kind": "hosting", "provider": host[1]})
    if any(m in _read(root / name) for name in _DEPENDENCY_FILES for m in _SENTRY):
        accounts.append({"kind": "error_tracking", "provider": "Sentry"})
    if accounts:
        out["accounts"] = accounts
    deploy = "npm run deploy" if "deploy" in scripts else (host[2] if host else None)
    rollback = "npm run rollback" if "rollback" in scripts else (host[3] if host else None)
    if deploy:
        out["deploy"] = {"command": deploy}
    if rollback:
        out["rollback"] = {"command": rollback}
    monitor = _monitor(root)
    if monitor:
        out["monitors"] = {"provider": monitor, "interval": "1m"}
    return out


def operations_lines(root: Path, flow: Any) -> list[str]:
    """The starter's ``operations`` section: what was seen live, the rest as examples."""
    seen = suggest_operations(root)
    lines = [
        "# Who runs the product after launch: accounts and owners, deploy/rollback/restore,",
        "# contacts, uptime monitors. Read by `launchgate audit`, `handover` and `monitors`.",
        "# Names and places only: never a password, token or key.",
    ]
    if seen:
        lines.append("operations:")
        lines += [f"  {key}: {flow(value)}" for key, value in seen.items()]
        lines += [f"  # {e}" for e in EXAMPLES if e.split(":", 1)[0] not in seen]
    else:
        lines.append("# operations:")
        lines += [f"#   {e}" for e in EXAMPLES]
    return [*lines, ""]
