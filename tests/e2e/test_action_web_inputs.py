"""The action's ``resolve`` and ``ca-bundle`` inputs: post-deploy smoke of an HTTPS origin that DNS
does not point at yet, signed by a CA only the workflow knows (the CLI's --resolve/--ca-bundle)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.e2e.test_action import MANIFEST, Runtime, assert_no_traceback, deployment
from tests.fixtures.https import NAMES, PKI, HttpsServerFactory, https_server, pki

__all__ = ["https_server", "pki"]  # fixtures


def _smoke(rt: Runtime, server_port: int, inputs: dict[str, str]) -> dict[str, object]:
    url = f"https://{NAMES[0]}:{server_port}"
    run = rt.run("deployment_status", deployment("success", url=url), inputs=inputs)
    assert_no_traceback(run)
    report = json.loads((rt.ws.path / "launchgate.json").read_text())
    return {"returncode": run.returncode, "report": report, "run": run}


def test_resolve_and_ca_bundle_inputs_reach_the_smoke_check(
    tmp_path: Path, https_server: HttpsServerFactory, pki: PKI
) -> None:
    server = https_server("good")
    server.expect_request("/").respond_with_data(
        "Welcome", headers={"X-Content-Type-Options": "nosniff"}
    )
    rt = Runtime(tmp_path)
    rt.ws.commit("one", {"launchready.yml": MANIFEST + "smoke: {wait: {timeout_s: 3}}\n"})
    shutil.copy(pki.ca_file, rt.ws.path / "internal-ca.pem")
    inputs = {
        "LAUNCHGATE_JSON_FILE": "launchgate.json",
        "LAUNCHGATE_CHECKS": "smoke",
        "LAUNCHGATE_RESOLVE": f"{NAMES[0]}:{server.port}:127.0.0.1",
        "LAUNCHGATE_CA_BUNDLE": "internal-ca.pem",
    }
    trusted = _smoke(rt, server.port, inputs)
    smoke = next(c for c in trusted["report"]["checks"] if c["id"] == "smoke")  # type: ignore[index]
    assert smoke["status"] == "pass", trusted["report"]
    assert [r.path for r, _ in server.log if r.path == "/"]

    untrusted = _smoke(rt, server.port, {**inputs, "LAUNCHGATE_CA_BUNDLE": ""})
    rules = {f["rule"] for f in untrusted["report"]["findings"]}  # type: ignore[index]
    assert any(rule.startswith("smoke.tls") for rule in rules), rules
    assert untrusted["returncode"] == 1


def test_a_bad_resolve_or_missing_ca_bundle_is_a_clear_input_error(tmp_path: Path) -> None:
    rt = Runtime(tmp_path)
    rt.ws.commit("one", {"launchready.yml": MANIFEST})
    bad = rt.run(
        "deployment_status", deployment("success"), inputs={"LAUNCHGATE_RESOLVE": "no-port"}
    )
    assert bad.returncode == 2
    assert "input resolve:" in bad.messages("error")[0]
    missing = rt.run(
        "deployment_status", deployment("success"), inputs={"LAUNCHGATE_CA_BUNDLE": "nope.pem"}
    )
    assert missing.returncode == 2
    assert "input ca-bundle: 'nope.pem' is not a file" in missing.messages("error")[0]
