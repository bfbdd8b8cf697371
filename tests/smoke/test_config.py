"""The manifest's smoke sections: what the schema accepts, positioned errors for what it cannot
say, and the typed config (base URL choice, credentials from the environment only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchgate.checkapi import CheckError
from launchgate.manifest import ManifestError, parse_manifest
from launchgate.smoke.config import SmokeConfig, credentials, load_config, substitute
from launchgate.smoke.plan import plan_edges

FULL = """\
version: 1
environments:
  production: {base_url: https://www.example.com}
  staging: {base_url: https://staging.example.com}
domains:
  - {name: example.com, redirect_to: https://www.example.com, tls: {min_days_valid: 21}}
  - {name: www.example.com}
routes:
  - name: health
    path: /api/health
    expect: {status: 200, matches: '"ok"', json: {"$.status": ok}, max_ms: 800}
smoke:
  concurrency: 4
  deadline_s: 30
  wait: {path: /ready, timeout_s: 60, interval_s: 1}
  cors: {allowed_origins: [https://www.example.com]}
  flows:
    - name: signin
      steps:
        - name: login
          path: /login
          method: POST
          capture: {token: {json: $.token}, sid: {cookie: sid}}
        - name: me
          path: /me
          headers: {Authorization: "Bearer {{token}}"}
"""


def test_full_smoke_manifest_is_valid_and_typed(tmp_path: Path) -> None:
    manifest = parse_manifest(FULL, tmp_path / "launchready.yml")
    config = load_config(manifest, environment="staging")
    assert config.base_url == "https://staging.example.com"
    assert config.routes[0].expect.json == {"$.status": "ok"}
    assert config.routes[0].expect.max_ms == 800
    assert config.flows[0].steps[0].captures[0].source == "json"
    assert (config.concurrency, config.deadline_s) == (4, 30)
    assert config.wait is not None and config.wait.path == "/ready"
    assert config.cors_allowed == ("https://www.example.com",)
    edges = {t.host: t for t in plan_edges(config)}
    assert edges["example.com"].canonical == "https://www.example.com"
    assert edges["example.com"].min_days_valid == 21
    assert "https://staging.example.com/" in edges["staging.example.com"].urls


def test_base_url_choice(tmp_path: Path) -> None:
    manifest = parse_manifest(FULL, tmp_path / "launchready.yml")
    assert load_config(manifest, base_url="https://pr-7.example.dev").base_url == (
        "https://pr-7.example.dev"
    )
    with pytest.raises(CheckError, match="unknown environment 'prod'"):
        load_config(manifest, environment="prod")
    with pytest.raises(CheckError, match="not an http"):
        load_config(manifest, base_url="www.example.com")
    single = parse_manifest(
        "version: 1\nenvironments:\n  production: {base_url: https://a.example}\n",
        tmp_path / "launchready.yml",
    )
    assert load_config(single).base_url == "https://a.example"


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "routes:\n  - {name: a, path: /, expect: {matches: '('}}\n",
            "launchready.yml:3:42: routes[0].expect.matches: is not a valid regular expression",
        ),
        (
            "routes:\n  - {name: a, path: /, expect: {json: {'$..id': 1}}}\n",
            "routes[0].expect.json: JSON path '$..id': unsupported syntax",
        ),
        (
            "routes:\n  - {name: a, path: /, capture: {t: {json: $.t}}}\n",
            "routes[0].capture: capture is only used by flow steps",
        ),
        (
            "smoke:\n  flows:\n    - name: f\n      steps:\n"
            "        - {name: s, path: /, capture: {t: {json: $, header: X}}}\n",
            "smoke.flows[0].steps[0].capture.t",
        ),
        (
            "smoke:\n  flows:\n    - name: f\n"
            "      steps: [{name: s, path: /}, {name: s, path: /b}]\n",
            "duplicate name 's'",
        ),
        ("routes:\n  - {name: a, path: /, expect: {max_ms: 0}}\n", "routes[0].expect.max_ms"),
    ],
)
def test_positioned_errors(tmp_path: Path, snippet: str, message: str) -> None:
    with pytest.raises(ManifestError) as info:
        parse_manifest("version: 1\n" + snippet, tmp_path / "launchready.yml")
    assert message in str(info.value)


def test_credentials_come_from_the_environment_and_are_masked() -> None:
    seen: list[str] = []
    creds = credentials(
        {"bearer_env": "T", "header": "X-Key", "header_env": "K"},
        {"T": "tok-123456", "K": "key-abcdef"},
        seen.append,
    )
    assert creds.headers == {"Authorization": "Bearer tok-123456", "X-Key": "key-abcdef"}
    assert creds.missing == ()
    assert {"tok-123456", "key-abcdef", "Bearer tok-123456"} <= set(seen)
    missing = credentials({"bearer_env": "NOPE"}, {}, seen.append)
    assert missing.missing == ("NOPE",)


def test_substitute() -> None:
    assert substitute("Bearer {{ token }}/{{other}}", {"token": "t"}) == "Bearer t/{{other}}"


@pytest.mark.parametrize(
    ("url", "entries", "https_port"),
    [
        (
            "https://www.example.com/shop",
            {"http://www.example.com/", "https://www.example.com/"},
            443,
        ),
        ("https://app.test:8443/x", {"https://app.test:8443/"}, 8443),
        ("http://localhost:8000/", {"http://localhost:8000/"}, 443),
        ("https://[::1]/", {"http://[::1]/", "https://[::1]/"}, 443),
    ],
)
def test_entry_points_of_an_ad_hoc_url(url: str, entries: set[str], https_port: int) -> None:
    (target,) = plan_edges(SmokeConfig(base_url=None, urls=(url,)))
    assert set(target.entries()) == entries
    assert target.https_port == https_port
    assert target.https is (not url.startswith("http://localhost"))
