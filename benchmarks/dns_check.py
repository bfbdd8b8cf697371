"""Benchmark: the dns check on 20 domains with email checks against a responsive local server.

Target (issue #10): under 3 seconds. Starts a real NSD on loopback (tests/fixtures/nsd.py) serving
20 sending domains, each with web records, MX, an SPF record that includes a provider with nested
includes, DMARC with an external report destination, two DKIM selectors, MTA-STS and TLS-RPT.
Then times the check in process (``SPEC.run``, as ``launchgate run`` calls it) and the
``launchgate dns`` command as a subprocess (Python start-up included), several times each.

Usage: python benchmarks/dns_check.py [--domains 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from launchgate.checkapi import CheckContext
from launchgate.dnscheck.check import SPEC
from launchgate.findings import CheckResult
from launchgate.manifest import parse_manifest
from launchgate.store import Store
from tests.dnscheck.scenario import ed25519_key, rsa_key, txt
from tests.fixtures.nsd import start_nsd

PROVIDER = """
_spf IN TXT "v=spf1 include:_netblocks.mailer.test include:_netblocks2.mailer.test ~all"
_netblocks IN TXT "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/24 ~all"
_netblocks2 IN TXT "v=spf1 ip6:2001:db8::/32 ~all"
"""


def domain_zone(origin: str, rsa: str, ed: str) -> str:
    return f"""
@ IN A 192.0.2.10
www IN CNAME {origin}.
@ IN MX 10 mx1.{origin}.
@ IN MX 20 mx2.{origin}.
mx1 IN A 192.0.2.11
mx2 IN A 192.0.2.12
@ IN TXT "v=spf1 mx ip4:192.0.2.0/24 include:_spf.mailer.test -all"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@reports.test"
s1._domainkey IN TXT {txt("v=DKIM1; k=rsa; p=" + rsa)}
s2._domainkey IN TXT {txt("v=DKIM1; k=ed25519; p=" + ed)}
_mta-sts IN TXT "v=STSv1; id=1"
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@{origin}"
@ IN CAA 0 issue "letsencrypt.org"
"""


def zones(count: int) -> tuple[dict[str, str], list[str]]:
    rsa, ed = rsa_key(2048), ed25519_key()
    names = [f"bench{i:02d}.test" for i in range(1, count + 1)]
    out = {name: domain_zone(name, rsa, ed) for name in names}
    out["mailer.test"] = PROVIDER
    out["reports.test"] = "\n".join(f'{n}._report._dmarc IN TXT "v=DMARC1"' for n in names)
    return out, names


def manifest_text(names: list[str], nameserver: str) -> str:
    domains = "".join(
        f"  - {{name: {n}, https: false}}\n  - {{name: www.{n}, https: false}}\n" for n in names
    )
    return f"""version: 1
domains:
{domains}email:
  domains: [{", ".join(names)}]
  dkim_selectors: [s1, s2]
dns: {{resolvers: ["{nameserver}"]}}
"""


def run_once(directory: Path) -> tuple[float, CheckResult]:
    path = directory / "launchready.yml"
    manifest = parse_manifest(path.read_text(), path)
    ctx = CheckContext(root=directory, manifest=manifest, store=Store(directory / "state"))
    started = time.perf_counter()
    result = SPEC.run(ctx)
    return time.perf_counter() - started, result


def run_cli(directory: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "launchgate", "dns", "--state-dir", str(directory / "cli-state")],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"launchgate dns failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dns-bench-") as tmp:
        root = Path(tmp)
        served, names = zones(args.domains)
        server = start_nsd(root / "nsd", served)
        try:
            (root / "launchready.yml").write_text(manifest_text(names, server.address))
            in_process = []
            for _ in range(args.repeat):
                elapsed, result = run_once(root)
                in_process.append(elapsed)
                problems = [f for f in result.findings if f.severity.rank >= 1]
                if result.error or problems:
                    raise SystemExit(f"unexpected: {result.error} {problems[:3]}")
            cli = [run_cli(root) for _ in range(args.repeat)]
        finally:
            server.stop()
    queries = args.domains * 2 * 3 + args.domains * 12  # rough count, for scale only
    print(f"dns check, {args.domains} domains (web + email, ~{queries} questions), NSD on loopback")
    print(
        f"  in process (SPEC.run):  median {statistics.median(in_process):.3f} s, "
        f"best {min(in_process):.3f} s, first {in_process[0]:.3f} s"
    )
    print(
        f"  launchgate dns (CLI):   median {statistics.median(cli):.3f} s, "
        f"best {min(cli):.3f} s  (Python start-up included)"
    )
    print("  target: under 3 s")


if __name__ == "__main__":
    main()
