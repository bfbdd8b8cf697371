"""The audit, handover and monitors commands in-process, on the planted launch project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from launchgate.cli import main
from tests.deliver.conftest import MANIFEST, OPERATIONS, TREE_KEY
from tests.deliver.factories import report
from tests.deliver.recorder import SMOKE_TOKEN, recording_manifest, serve_shop


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(launch_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the planted project (commands write into it), as the working directory."""
    root = tmp_path / "shop"
    shutil.copytree(launch_project, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


def _froms(reports: list[Path]) -> list[str]:
    return [arg for path in reports for arg in ("--from", str(path))]


def test_audit_from_reports_ranks_and_exits_no_go(project: Path, all_reports: list[Path]) -> None:
    result = invoke("audit", *_froms(all_reports))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "launchgate audit: Shop"
    assert lines[1] == "NO-GO: 6 launch blockers, 6 high, 6 medium, 3 low"
    blockers = [line for line in lines if line[:1].isdigit() and "[LAUNCH BLOCKER]" in line]
    assert [b.split("] ", 1)[1] for b in blockers] == [
        "A live credential is committed in the code (stripe-secret-key)",
        "A critical page or API does not answer as it should (login)",
        "Visitors are sent in circles or to the wrong address (shop.test)",
        "A private page can be cached or opened without signing in (account)",
        "Other websites can read your API's answers (api.shop.test)",
        "A subdomain points at a service nobody holds: it can be taken over (old.shop.test)",
    ]
    # duplicates are grouped: login's 500 (smoke) and its 60 failed perf requests are one risk,
    # the redirect loop smoke saw for the URL and for the host's edge is one line of evidence
    login = lines[lines.index(blockers[1]) + 2]
    assert login == "   Evidence (2 findings: perf.no-samples, smoke.server-error):"
    loop = lines[lines.index(blockers[2]) + 2]
    assert loop == "   Evidence (1 finding: smoke.redirect-loop):"
    assert sum("Production runs with a test or placeholder value" in x for x in lines) == 1
    assert not any("A setting has the wrong format (STRIPE_SECRET_KEY)" in x for x in lines)
    assert lines.index(blockers[0]) < lines.index(next(x for x in lines if "[HIGH]" in x))
    assert TREE_KEY not in result.output


def test_audit_runs_the_checks_itself(project: Path) -> None:
    result = invoke("audit", "--only", "env,secrets", "--format", "markdown")
    assert result.exit_code == 1
    assert result.output.startswith(
        "# Launch audit: Shop\n\n"
        "**🛑 NO-GO: 1 launch blocker, 2 high, 4 medium, 2 low; not checked: smoke, perf, dns**"
    )
    assert TREE_KEY not in result.output


def test_audit_html_to_a_file_prints_the_verdict(project: Path, all_reports: list[Path]) -> None:
    result = invoke("audit", *_froms(all_reports), "--format", "html", "-o", "out/audit.html")
    assert result.exit_code == 1
    assert result.output == "NO-GO: 6 launch blockers, 6 high, 6 medium, 3 low\n"
    page = (project / "out" / "audit.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "NO-GO: 6 launch blockers" in page


def test_audit_go_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = yaml.safe_load(MANIFEST + OPERATIONS)
    data["routes"] = [r for r in data["routes"] if r["name"] in ("home", "health", "checkout")]
    data["operations"]["restore"].pop()
    data["operations"]["accounts"][3]["owner"] = "Ben Ode"
    data["operations"]["accounts"][1]["kind"] = "cdn"
    data["domains"] = [d for d in data["domains"] if d["name"] == "www.shop.test"]
    (tmp_path / "launchready.yml").write_text(yaml.safe_dump(data))
    (tmp_path / "r.json").write_text(json.dumps(report([], checks={"smoke": "pass"})))
    monkeypatch.chdir(tmp_path)
    result = invoke("audit", "--from", "r.json")
    assert (
        result.output.splitlines()[1]
        == "GO: no risk above info; not checked: env, secrets, perf, dns"
    )
    assert result.exit_code == 0


def test_audit_bad_report_is_a_clear_error(project: Path) -> None:
    (project / "bad.json").write_text("[]")
    result = invoke("audit", "--from", "bad.json")
    assert result.exit_code == 2
    assert result.output.startswith("launchgate: bad.json: not a launchgate JSON report")


def test_handover_writes_once_then_checks(project: Path, all_reports: list[Path]) -> None:
    first = invoke("handover", *_froms(all_reports))
    assert first.exit_code == 0
    assert first.output == f"wrote {project / 'HANDOVER.md'}\n"
    text = (project / "HANDOVER.md").read_text()
    assert "## Gaps" in text
    again = invoke("handover", *_froms(all_reports))
    assert again.output.startswith("unchanged ")
    assert invoke("handover", "--check", *_froms(all_reports)).exit_code == 0
    manifest = project / "launchready.yml"
    manifest.write_text(manifest.read_text().replace("fly releases rollback", "fly deploy -i v4"))
    stale = invoke("handover", "--check", *_froms(all_reports))
    assert stale.exit_code == 1
    assert "out of date" in stale.output
    assert (project / "HANDOVER.md").read_text() == text  # --check writes nothing


def test_handover_to_stdout(project: Path) -> None:
    result = invoke("handover", "-o", "-")
    assert result.output.startswith("# Handover: Shop\n")
    assert not (project / "HANDOVER.md").exists()


def test_monitors_gatus_and_upptime(project: Path) -> None:
    gatus = invoke("monitors", "--format", "gatus")
    assert gatus.exit_code == 0
    config = yaml.safe_load(gatus.output)
    assert [e["name"] for e in config["endpoints"]] == ["home", "health"]
    result = invoke("monitors", "--format", "upptime", "-o", ".upptimerc.yml")
    assert result.exit_code == 0
    assert "note: interval 2m is faster than GitHub schedules allow" in result.output
    assert yaml.safe_load((project / ".upptimerc.yml").read_text())["owner"] == "shopco"


def test_monitors_without_routes_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "launchready.yml").write_text("version: 1\n")
    monkeypatch.chdir(tmp_path)
    result = invoke("monitors", "--format", "gatus")
    assert result.exit_code == 2
    assert "no route to monitor" in result.output


def test_operations_section_is_validated_with_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = MANIFEST + OPERATIONS.replace("webhook_env: SLACK_ALERTS_WEBHOOK", "channel: x")
    (tmp_path / "launchready.yml").write_text(bad.replace("kind: hosting", "kind: hostng"))
    monkeypatch.chdir(tmp_path)
    result = invoke("validate")
    assert result.exit_code == 2
    assert "operations.accounts[2].kind" in result.output
    assert "webhook_env" in result.output


def test_audit_runs_the_checks_against_a_live_site_through_resolve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a user before DNS points at the release: `launchgate audit --resolve --ca-bundle`
    runs smoke against the planted Shop itself; the true blockers rank first."""
    with serve_shop(tmp_path) as shop:
        (tmp_path / "launchready.yml").write_text(recording_manifest(shop) + OPERATIONS)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("SMOKE_TOKEN", SMOKE_TOKEN)
        resolve = [arg for entry in shop.resolve() for arg in ("--resolve", entry)]
        result = invoke("audit", "--only", "smoke", "--ca-bundle", str(shop.ca_file), *resolve)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1].startswith("NO-GO: 3 launch blockers, ")
    assert lines[1].endswith("; not checked: env, secrets, perf, dns")
    ranked = [line for line in lines if line[:1].isdigit() and ". [" in line]
    assert [line.split("] ", 1)[1] for line in ranked[:3]] == [
        "A critical page or API does not answer as it should (login)",
        "A private page can be cached or opened without signing in (account)",
        "Other websites can read your API's answers (api.shop.test)",
    ]
    assert all("[LAUNCH BLOCKER]" not in line for line in ranked[3:])
    assert SMOKE_TOKEN not in result.output
