"""The dns check end to end on real servers: drift between runs, a failing server that must not
look like removed records, a CNAME at the apex, and SPF walks that meet a failing server."""

from __future__ import annotations

from pathlib import Path

import dns.rcode
import pytest

from launchgate.checkapi import CheckContext, CheckError
from launchgate.dnscheck.check import SPEC
from launchgate.dnscheck.drift import SNAPSHOT_KEY
from launchgate.findings import CheckResult
from launchgate.manifest import Manifest
from launchgate.store import Store
from tests.dnscheck.scenario import write_manifest
from tests.fixtures.dnsresponder import reply, with_records


def run(directory: Path, text: str, **params: object) -> CheckResult:
    manifest = write_manifest(directory, text)
    ctx = CheckContext(
        root=directory, manifest=manifest, store=Store(directory / "state"), params=params
    )
    result = SPEC.run(ctx)
    assert isinstance(result, CheckResult)
    return result


def web_manifest(nameserver: str) -> str:
    return f"""version: 1
domains:
  - {{name: app.site.test, https: false}}
dns: {{resolvers: ["{nameserver}"], timeout_ms: 300}}
"""


def test_drift_is_reported_in_plain_words_and_a_failing_server_removes_nothing(
    nsd, responder, tmp_path: Path
) -> None:
    provider = "shop IN A 192.0.2.1\nold-shop IN A 192.0.2.2\n"
    first = nsd({"site.test": "app IN CNAME shop.pages.test.\n", "pages.test": provider})
    assert run(tmp_path, web_manifest(first.address)).findings == ()
    first.stop()

    second = nsd({"site.test": "app IN CNAME old-shop.pages.test.\n", "pages.test": provider})
    result = run(tmp_path, web_manifest(second.address))
    said = "app.site.test CNAME changed from shop.pages.test to old-shop.pages.test"
    assert [(f.rule, f.message) for f in result.findings] == [("dns.drift", said + ".")]
    assert said in result.summary
    second.stop()

    broken = responder(lambda q, _t: reply(q, dns.rcode.SERVFAIL))
    failed = run(tmp_path, web_manifest(broken.address))
    assert {f.rule for f in failed.findings} == {"dns.lookup-failed"}
    assert failed.error is not None and "SERVFAIL" in failed.error
    stored = Store(tmp_path / "state").get(SNAPSHOT_KEY)
    assert stored["records"]["app.site.test CNAME"] == ["old-shop.pages.test"]


def test_cname_at_the_apex(responder, tmp_path: Path) -> None:
    def handler(query, _transport):  # a broken provider: CNAME and NS at one name
        question = query.question[0]
        name, rdtype = question.name.to_text(), dns.rdatatype.to_text(question.rdtype)
        if name == "apex.test." and rdtype == "NS":
            return with_records(query, "apex.test. 300 IN NS ns1.apex.test.")
        if name == "apex.test.":
            return with_records(query, "apex.test. 300 IN CNAME target.test.")
        if name == "target.test." and rdtype == "A":
            return with_records(query, "target.test. 300 IN A 192.0.2.1")
        return reply(query)

    server = responder(handler)
    text = f"""version: 1
domains: [{{name: apex.test, https: false}}]
dns: {{resolvers: ["{server.address}"], drift: false}}
"""
    result = run(tmp_path, text)
    assert [f.rule for f in result.findings] == ["dns.cname-apex"]


def test_spf_walk_meeting_a_failing_server_is_not_a_missing_include(nsd, tmp_path: Path) -> None:
    server = nsd({"mail.test": '@ IN TXT "v=spf1 include:_spf.elsewhere.example -all"\n'})
    text = f"""version: 1
email:
  domains: [mail.test]
  spf: {{include: [_spf.elsewhere.example]}}
  require_mx: false
dns: {{resolvers: ["{server.address}"], drift: false}}
"""
    result = run(tmp_path, text)
    rules = {f.rule for f in result.findings}
    assert "email.spf-include-missing" not in rules
    assert "email.spf-include-invalid" not in rules
    assert "email.spf-missing" not in rules
    failed = [f for f in result.findings if f.rule == "dns.lookup-failed"]
    assert any("_spf.elsewhere.example TXT" in f.message and "REFUSED" in f.message for f in failed)
    assert result.error is not None


def test_adhoc_domains_and_selectors_replace_the_manifest(nsd, tmp_path: Path) -> None:
    server = nsd({"adhoc.test": '@ IN A 127.0.0.1\n@ IN TXT "v=spf1 +all"\n'})
    result = run(
        tmp_path,
        "version: 1\n",
        domains=["adhoc.test"],
        selectors=["sel"],
        nameservers=[server.address],
    )
    rules = {f.rule for f in result.findings}
    assert {"email.spf-plus-all", "email.dkim-missing", "email.dmarc-missing"} <= rules
    assert "email.mx-missing" in rules


def test_nothing_to_check_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="nothing to check"):
        SPEC.run(
            CheckContext(root=tmp_path, manifest=Manifest.empty(tmp_path), store=Store(tmp_path))
        )


def test_bad_nameserver_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="port must be a number"):
        run(tmp_path, "version: 1\n", domains=["x.test"], nameservers=["127.0.0.1:99999"])


def test_spf_walk_of_an_exploding_include_tree_stops_and_says_at_least(nsd, tmp_path: Path) -> None:
    levels = 10  # 2**10 visits without a cap
    records = ['@ IN TXT "v=spf1 include:a1.fan.test include:b1.fan.test -all"']
    for n in range(1, levels):
        nxt = f"include:a{n + 1}.fan.test include:b{n + 1}.fan.test"
        records += [f'a{n} IN TXT "v=spf1 {nxt} -all"', f'b{n} IN TXT "v=spf1 {nxt} -all"']
    records += [f'a{levels} IN TXT "v=spf1 -all"', f'b{levels} IN TXT "v=spf1 -all"']
    server = nsd({"fan.test": "\n".join(records)})
    text = f"""version: 1
email: {{domains: [fan.test], require_mx: false}}
dns: {{resolvers: ["{server.address}"], drift: false}}
"""
    result = run(tmp_path, text)
    (lookups,) = [f for f in result.findings if f.rule == "email.spf-too-many-lookups"]
    assert "needs at least" in lookups.message


def test_declared_include_is_not_called_missing_when_part_of_the_walk_failed(
    nsd, tmp_path: Path
) -> None:
    zones = {"mail.test": '@ IN TXT "v=spf1 include:_spf.refused.example -all"\n'}
    server = nsd(zones)
    text = f"""version: 1
email:
  domains: [mail.test]
  spf: {{include: [_spf.provider.test]}}
  require_mx: false
dns: {{resolvers: ["{server.address}"], drift: false}}
"""
    rules = {f.rule for f in run(tmp_path, text).findings}
    assert "email.spf-include-missing" not in rules
    assert "dns.lookup-failed" in rules


def test_two_key_records_for_one_selector(nsd, tmp_path: Path) -> None:
    keys = ('s1._domainkey IN TXT "v=DKIM1; p=AAAA"', 's1._domainkey IN TXT "v=DKIM1; p=BBBB"')
    zones = {"mail.test": "\n".join(keys)}
    server = nsd(zones)
    text = f"""version: 1
email: {{domains: [mail.test], dkim_selectors: [s1], require_mx: false}}
dns: {{resolvers: ["{server.address}"], drift: false}}
"""
    (dkim,) = [f for f in run(tmp_path, text).findings if f.rule.startswith("email.dkim")]
    assert (dkim.rule, dkim.severity.value) == ("email.dkim-invalid", "high")
    assert "selector 's1' of mail.test" in dkim.message and "2 key records" in dkim.message
