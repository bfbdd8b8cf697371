"""No secret leaves a run: every check, every output format, read back whole.

First, a name or a path: a live Stripe key used as an environment variable *name* in code, and a
GitHub token in a file *name*, both once printed in full in stdout, annotations, JSON, SARIF,
JUnit and the job summary, with no ``::add-mask::``.

Then every source at once (the issue's "no leaks, proven"): the repository's tree and history, an
env file, the process environment, a local server's body, headers, cookie and redirect URL, DNS
TXT records on a real NSD, and a check's error text; run at ``--verbose`` with
``LAUNCHGATE_DEBUG`` in a simulated Actions runtime. A URL's ``user:password@`` in a redirect was
printed in every report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.fixtures.gitrepo import GitRepo
from tests.fixtures.nsd import Nsd, nsd
from tests.secretscan.conftest import aws_key_id, github_token, rand, stripe_key

__all__ = ["nsd"]


def _outputs(
    tmp: Path,
    repo: Path,
    args: list[str],
    extra_env: Mapping[str, str] | None = None,
    reports: str = "reports",
) -> tuple[str, list[str]]:
    summary, outputs = tmp / f"{reports}-summary.md", tmp / f"{reports}-outputs.txt"
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_WORKSPACE": str(repo),
        **(extra_env or {}),
    }
    env.pop("CI", None)
    proc = subprocess.run(
        [sys.executable, "-m", "launchgate", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    texts = [proc.stdout, proc.stderr, summary.read_text(), outputs.read_text()]
    texts += [p.read_text() for p in sorted((tmp / reports).iterdir())]
    return proc.stdout, texts


def test_secrets_in_variable_names_and_file_paths_never_reach_any_output(tmp_path: Path) -> None:
    stripe = "sk_live_" + rand(32)
    token, inner = github_token(), github_token()
    repo = GitRepo(tmp_path / "repo")
    repo.commit(
        "app",
        {
            "launchready.yml": "version: 1\nenv:\n  required:\n    - {name: DATABASE_URL}\n",
            "app.py": f'import os\nKEY = os.environ.get("{stripe}")\n'
            'DB = os.environ["DATABASE_URL"]\n',
            f"tokens/{token}.env": f"API_TOKEN={inner}\n",
        },
    )
    reports = tmp_path / "reports"
    args = ["run", "--verbose", "--allow-errors"]
    for fmt in ("json", "sarif", "junit", "markdown", "github", "text"):
        args += ["--report", f"{fmt}:{reports / ('out.' + fmt)}"]
    stdout, texts = _outputs(tmp_path, repo.path, args)

    masks = [line for line in stdout.splitlines() if line.startswith("::add-mask::")]
    assert f"::add-mask::{stripe}" in masks
    assert f"::add-mask::{token}" in masks
    # The planted values were seen (the run reported on both places) ...
    assert "tokens/" in "".join(texts)
    assert "app.py" in "".join(texts)
    # ... and appear nowhere except on the mask lines.
    for text in texts:
        shown = "\n".join(line for line in text.splitlines() if not line.startswith("::add-mask::"))
        assert stripe not in shown
        assert token not in shown
        assert inner not in shown


# ---------------------------------------------------------------------------------------------
# Every source of secrets, every check, every format, the most verbose run.


def _slack() -> str:
    return "xox" + "b-" + rand(12, "0123456789") + "-" + rand(24)


def _plain(prefix: str) -> str:
    """A secret with no recognisable shape: only masking can hide it."""
    return prefix + rand(24)


@dataclass(frozen=True)
class Planted:
    """One value per place a secret can come from."""

    tree: str = field(default_factory=github_token)  # a file in the repository
    history: str = field(default_factory=stripe_key)  # a file deleted in a later commit
    env_file: str = field(default_factory=lambda: _plain("envfile-"))  # .env.production
    env_file_shaped: str = field(default_factory=stripe_key)
    env_var: str = field(default_factory=lambda: _plain("bearer-"))  # route credential
    db_password: str = field(default_factory=lambda: _plain("dbpw-"))  # in DATABASE_URL
    body: str = field(default_factory=_slack)  # HTTP response body (JSON)
    header: str = field(default_factory=aws_key_id)  # HTTP response header
    cookie: str = field(default_factory=github_token)  # HTTP Set-Cookie
    redirect_query: str = field(default_factory=github_token)  # a redirect's query string
    redirect_password: str = field(default_factory=lambda: _plain("redirpw-"))  # user:pw@
    txt_spf: str = field(default_factory=github_token)  # a DNS TXT record (SPF)
    txt_verification: str = field(default_factory=stripe_key)  # another TXT record
    error_path: str = field(default_factory=github_token)  # in a check's error message

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _site(httpserver: HTTPServer, planted: Planted) -> None:
    def api(request: Request) -> Response:
        echoed = request.headers.get("Authorization", "")
        return Response(
            json.dumps({"token": planted.body, "user": "ada"}),
            headers={
                "Content-Type": "application/json",
                "X-Api-Key": planted.header,
                "X-Echo-Authorization": echoed,
                "Set-Cookie": f"session={planted.cookie}; Path=/",
            },
        )

    httpserver.expect_request("/api").respond_with_handler(api)
    login_target = (
        f"http://admin:{planted.redirect_password}@127.0.0.1:{httpserver.port}"
        f"/callback?access_token={planted.redirect_query}"
    )
    httpserver.expect_request("/login").respond_with_data(
        "", status=302, headers={"Location": login_target}
    )
    httpserver.expect_request("/callback").respond_with_data(
        f"<html>welcome {planted.body}</html>", content_type="text/html"
    )


def _zones(planted: Planted) -> dict[str, str]:
    return {
        "leak.test": f"""
@ IN MX 10 mx.leak.test.
mx IN A 127.0.0.1
@ IN TXT "v=spf1 ip4:127.0.0.1 {planted.txt_spf} -all"
@ IN TXT "payments-verification={planted.txt_verification}"
_dmarc IN TXT "v=DMARC1; p=none"
""",
    }


def _manifest(port: int, nameserver: str) -> str:
    base = f"http://127.0.0.1:{port}"
    return f"""version: 1
environments:
  production: {{base_url: "{base}", env_files: [.env.production]}}
env:
  sources: [process]
  required:
    - {{name: DATABASE_URL, format: url, schemes: [https]}}
    - {{name: PAYMENT_SECRET, format: int}}
    - {{name: PAYMENT_TOKEN, format: int, secret: true}}
    - {{name: LEAK_BEARER}}
routes:
  - name: api
    path: /api
    auth: {{bearer_env: LEAK_BEARER}}
    expect:
      json: {{"$.token": "not-this"}}
      headers: {{X-Api-Key: "not-this", X-Echo-Authorization: "not-this"}}
  - name: login
    path: /login
    expect: {{redirect_to: "{base}/home"}}
smoke: {{timeout_ms: 2000, wait: {{timeout_s: 2}}}}
perf: {{samples: 3, warmup: 0, concurrency: 1, timeout_ms: 2000}}
email: {{domains: [leak.test], dkim_selectors: [s1]}}
dns: {{resolvers: ["{nameserver}"], timeout_ms: 1000}}
"""


def test_no_planted_secret_reaches_any_output_of_any_check(
    tmp_path: Path,
    httpserver: HTTPServer,
    nsd: Callable[[Mapping[str, str]], Nsd],
) -> None:
    planted = Planted()
    _site(httpserver, planted)
    dns_server = nsd(_zones(planted))
    repo = GitRepo(tmp_path / "repo")
    repo.commit("history", {"billing/old.py": f'STRIPE = "{planted.history}"\n'})
    repo.commit(
        "app",
        {
            "launchready.yml": _manifest(httpserver.port, dns_server.address),
            "settings.py": f'GITHUB_TOKEN = "{planted.tree}"\n',
            ".env.production": f"PAYMENT_SECRET={planted.env_file}\n"
            f"PAYMENT_TOKEN={planted.env_file_shaped}\n",
        },
        delete=("billing/old.py",),
    )
    reports = tmp_path / "reports"
    args = ["run", "--verbose", "--environment", "production", "--format", "github"]
    args += ["--state-dir", str(tmp_path / "state"), "--color", "always"]
    args += ["--resolve", "leak.test:443:127.0.0.1", "--resolve", "mx.leak.test:443:127.0.0.1"]
    for fmt in ("json", "sarif", "junit", "markdown", "text"):
        args += ["--report", f"{fmt}:{reports / ('out.' + fmt)}"]
    extra_env = {
        "LEAK_BEARER": planted.env_var,
        "DATABASE_URL": f"postgres://app:{planted.db_password}@db.internal:5432/prod",
        "LAUNCHGATE_DEBUG": "1",
    }
    stdout, texts = _outputs(tmp_path, repo.path, args, extra_env)
    # A run whose checks cannot run: their error texts carry a planted value too.
    broken_ca = tmp_path / "certs" / f"{planted.error_path}.pem"
    broken_ca.parent.mkdir()
    broken_ca.write_text("not a certificate\n")
    errors = ["run", "--verbose", "--only", "smoke,perf", "--ca-bundle", str(broken_ca)]
    errors += ["--report", f"json:{tmp_path / 'errors' / 'out.json'}", "--format", "github"]
    error_stdout, error_texts = _outputs(tmp_path, repo.path, errors, extra_env, "errors")
    assert '"status": "error"' in error_texts[-1]
    assert "cannot be used" in error_texts[-1]
    assert f"::add-mask::{planted.error_path}" in error_stdout.splitlines()
    texts += error_texts
    # The state directory is kept between runs (an Actions cache) and may be uploaded.
    state = sorted(p for p in (tmp_path / "state").rglob("*") if p.is_file())
    assert state, "the run kept no state (perf history, DNS snapshot)"
    texts += [p.read_text(errors="replace") for p in state]

    everything = "\n".join(texts)
    # The run really saw every source: findings from each check and each place.
    for seen in ("settings.py", "billing/old.py", "PAYMENT_SECRET", "DATABASE_URL", "/api"):
        assert seen in everything, seen
    for check in ("env", "secrets", "smoke", "perf", "dns"):
        assert f'"{check}"' in (reports / "out.json").read_text(), check
    masks = {line[len("::add-mask::") :] for line in stdout.splitlines() if "::add-mask::" in line}
    assert planted.env_var in masks
    leaks = []
    for text in texts:
        shown = "\n".join(line for line in text.splitlines() if not line.startswith("::add-mask::"))
        for name, value in planted.values().items():
            if value.lower() in shown.lower():
                leaks.append(f"{name}: ..." + _around(shown, value))
    assert not leaks, "\n\n".join(leaks)


def _around(text: str, value: str) -> str:
    at = text.lower().find(value.lower())
    return text[max(0, at - 300) : at + len(value) + 100]
