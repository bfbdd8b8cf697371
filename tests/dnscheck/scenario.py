"""The acceptance scenario as zones: one correctly configured domain, one domain per planted
misconfiguration, and a domain the server refuses. Served by a real NSD in the tests and in
``benchmarks/dns_check.py``."""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from pytest_httpserver import HTTPServer

from launchgate.manifest import Manifest, parse_manifest


def txt(value: str) -> str:
    """A TXT rdata of any length: strings of at most 255 characters, quoted."""
    return " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255)) or '""'


def rsa_key(bits: int) -> str:
    """Base64 SubjectPublicKeyInfo of an RSA key of ``bits`` (below 1024: a bare modulus)."""
    if bits >= 1024:
        public = rsa.generate_private_key(65537, bits).public_key()
    else:  # cryptography no longer generates such keys; any odd modulus of that size will do
        public = rsa.RSAPublicNumbers(65537, (1 << (bits - 1)) | 0xF00D1).public_key()
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def ed25519_key() -> str:
    raw = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    return base64.b64encode(raw).decode()


def good_zone(origin: str, rsa2048: str, ed: str) -> str:
    """A domain configured as it should be (web, mail, DKIM, DMARC, MTA-STS, TLS-RPT, CAA)."""
    return f"""
@ IN A 127.0.0.1
@ IN MX 10 mx.{origin}.
mx IN A 127.0.0.1
www IN CNAME {origin}.
@ IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.mailer.test -all"
@ IN TXT "google-site-verification=abc123"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@{origin}"
s1._domainkey IN TXT {txt("v=DKIM1; k=rsa; p=" + rsa2048)}
ed._domainkey IN TXT {txt("v=DKIM1; k=ed25519; p=" + ed)}
_mta-sts IN TXT "v=STSv1; id=20261129"
mta-sts IN A 127.0.0.1
_smtp._tls IN TXT "v=TLSRPTv1; rua=mailto:tls@{origin}"
@ IN CAA 0 issue "trustme.test"
"""


# The good domain's MTA-STS policy, served by the HTTPS server of the certificates (its test
# certificate covers mta-sts.app.test), on the port the manifest's email.mta_sts.port names.
GOOD_POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx.app.test\r\nmax_age: 1209600\r\n"


def serve_policy(server: HTTPServer, policy: str = GOOD_POLICY) -> None:
    server.expect_request("/.well-known/mta-sts.txt").respond_with_data(
        policy, content_type="text/plain"
    )


# The test CA's issuer domain for CAA (the built-in pack knows only real CAs).
TRUSTME_PACK = """kind: dns-caa-issuers
rules:
  - id: trustme
    ca: the test CA
    issuers: ["O=trustme"]
    caa: [trustme.test]
    examples: {positive: ["O=trustme v1.2"], negative: ["O=Let's Encrypt"]}
"""

SPF_OK = "v=spf1 ip4:192.0.2.1 include:_spf.mailer.test -all"


def zones() -> dict[str, str]:
    rsa2048, ed = rsa_key(2048), ed25519_key()
    keys = f"s1._domainkey IN TXT {txt('v=DKIM1; k=rsa; p=' + rsa2048)}\n" + (
        f"ed._domainkey IN TXT {txt('v=DKIM1; k=ed25519; p=' + ed)}\n"
    )

    def mail(origin: str, spf: str = SPF_OK, at: str = "@") -> str:
        """A sending domain that is fine apart from what a case plants (and MTA-STS, whose
        policy would need a policy host: only the good domain has one)."""
        sub = "" if at == "@" else f".{at}"
        return f"""
{at} IN MX 10 mx.{origin}.
mx{sub} IN A 127.0.0.1
{at} IN TXT {txt(spf)}
_dmarc{sub} IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@{origin}"
_smtp._tls{sub} IN TXT "v=TLSRPTv1; rua=mailto:tls@{origin}"
{keys.replace("._domainkey IN", f"._domainkey{sub} IN")}
"""

    hosts = "\n".join(f"h{i} IN A 192.0.2.{i}" for i in range(1, 5))
    return {
        "app.test": good_zone("app.test", rsa2048, ed),
        "mailer.test": '_spf IN TXT "v=spf1 ip4:198.51.100.0/24 ~all"\n',
        "herokuapp.com": "real-shop IN A 192.0.2.80\n",
        "reports.test": 'other._report._dmarc IN TXT "v=DMARC1"\n',
        # Web names with planted problems.
        "web.test": """
@ IN A 192.0.2.5
app IN CNAME old-shop.herokuapp.com.
gone IN CNAME nothing.web.test.
slow 86400 IN A 192.0.2.6
moved IN A 192.0.2.9
""",
        "plusall.test": mail("plusall.test", "v=spf1 include:_spf.mailer.test +all"),
        "neutral.test": mail("neutral.test", SPF_OK.replace("-all", "?all")),
        "noall.test": mail("noall.test", SPF_OK.replace(" -all", "")),
        "twospf.test": mail("twospf.test") + '@ IN TXT "v=spf1 ip4:192.0.2.2 -all"\n',
        "lookups.test": mail(
            "lookups.test",
            "v=spf1 a mx include:i1.lookups.test include:i2.lookups.test "
            "include:_spf.mailer.test -all",
        )
        + f"""
@ IN A 192.0.2.1
{hosts}
i1 IN TXT "v=spf1 a:h1.lookups.test a:h2.lookups.test a:h3.lookups.test mx -all"
i2 IN TXT "v=spf1 a:h4.lookups.test include:i1.lookups.test mx:lookups.test -all"
""",
        "void.test": mail(
            "void.test",
            "v=spf1 a:n1.void.test a:n2.void.test a:n3.void.test include:_spf.mailer.test -all",
        ),
        "loop.test": mail("loop.test", "v=spf1 include:_a.loop.test include:_spf.mailer.test -all")
        + '_a IN TXT "v=spf1 include:loop.test -all"\n',
        "ptr.test": mail("ptr.test", "v=spf1 ptr include:_spf.mailer.test -all"),
        "syntax.test": mail("syntax.test", "v=spf1 ip4:999.1.1.1 include:_spf.mailer.test -all"),
        "missinginclude.test": mail("missinginclude.test", "v=spf1 ip4:192.0.2.1 -all"),
        "nodmarc.test": mail("nodmarc.test").replace("_dmarc IN TXT", "_dmarx IN TXT"),
        "weakdmarc.test": mail("weakdmarc.test").replace(
            "p=reject; rua=mailto:dmarc@weakdmarc.test", "p=none"
        ),
        "extrua.test": mail("extrua.test").replace(
            "rua=mailto:dmarc@extrua.test", "rua=mailto:d@reports.test"
        ),
        "orgfallback.test": mail("orgfallback.test")
        + mail("orgfallback.test", at="sub").replace("_dmarc.sub IN TXT", "_dmarx.sub IN TXT"),
        "dkim.test": mail("dkim.test")
        + f"""
old._domainkey IN TXT "v=DKIM1; k=rsa; p="
k1024._domainkey IN TXT {txt("v=DKIM1; k=rsa; p=" + rsa_key(1024))}
k512._domainkey IN TXT {txt("v=DKIM1; k=rsa; p=" + rsa_key(512))}
bad._domainkey IN TXT {txt("v=DKIM2; k=rsa; p=" + rsa2048)}
""",
        "nomx.test": mail("nomx.test").replace("@ IN MX 10 mx.nomx.test.", ""),
        "cnamemx.test": mail("cnamemx.test").replace("mx IN A 127.0.0.1", "mx IN CNAME host")
        + "host IN A 127.0.0.1\n",
        "deadmx.test": mail("deadmx.test").replace("mx IN A 127.0.0.1", ""),
        "nullmx.test": mail("nullmx.test").replace("@ IN MX 10 mx.nullmx.test.", "@ IN MX 0 ."),
    }


# Planted problems: (domain or name, rule that must be reported). The DKIM cases need their own
# selectors (the manifest's selectors apply to every domain), so they run as a second manifest.
PLANTED: tuple[tuple[str, str], ...] = (
    ("app.web.test", "dns.takeover-risk"),
    ("gone.web.test", "dns.dangling-cname"),
    ("slow.web.test", "dns.ttl-high"),
    ("moved.web.test", "dns.expect-mismatch"),
    ("nowhere.web.test", "dns.unresolved"),
    ("plusall.test", "email.spf-plus-all"),
    ("neutral.test", "email.spf-neutral-all"),
    ("noall.test", "email.spf-no-all"),
    ("twospf.test", "email.spf-multiple"),
    ("lookups.test", "email.spf-too-many-lookups"),
    ("void.test", "email.spf-void-lookups"),
    ("loop.test", "email.spf-loop"),
    ("ptr.test", "email.spf-ptr"),
    ("syntax.test", "email.spf-syntax"),
    ("missinginclude.test", "email.spf-include-missing"),
    ("nodmarc.test", "email.dmarc-missing"),
    ("weakdmarc.test", "email.dmarc-weak-policy"),
    ("weakdmarc.test", "email.dmarc-no-rua"),
    ("extrua.test", "email.dmarc-report-unauthorized"),
    ("nomx.test", "email.mx-missing"),
    ("cnamemx.test", "email.mx-cname"),
    ("deadmx.test", "email.mx-unresolvable"),
)

PLANTED_DKIM: tuple[tuple[str, str], ...] = (
    ("nope", "email.dkim-missing"),
    ("old", "email.dkim-revoked"),
    ("k1024", "email.dkim-weak-key"),
    ("k512", "email.dkim-weak-key"),
    ("bad", "email.dkim-invalid"),
)
GOOD = ("app.test", "www.app.test")  # the names on the test CA's certificates
REFUSED = "refused.example"
FINE_MAIL = ("sub.orgfallback.test", "nullmx.test")


def manifest_text(nameserver: str, https_port: int) -> str:
    mail = sorted({d for d, r in PLANTED if r.startswith("email.")} | {GOOD[0], REFUSED})
    mail += list(FINE_MAIL)
    return f"""version: 1
domains:
  - {{name: app.test, tls: {{port: {https_port}}}}}
  - {{name: www.app.test, tls: {{port: {https_port}}}}}
  - {{name: app.web.test, https: false}}
  - {{name: gone.web.test, https: false}}
  - {{name: slow.web.test, https: false}}
  - {{name: moved.web.test, https: false, expect: {{A: 192.0.2.1}}}}
  - {{name: nowhere.web.test, https: false}}
  - {{name: {REFUSED}}}
email:
  domains: [{", ".join(mail)}]
  dkim_selectors: [s1, ed]
  spf: {{include: ["include:_spf.mailer.test"]}}
  dmarc: {{min_policy: quarantine, require_rua: true}}
  mta_sts: {{port: {https_port}}}
rules: {{packs: [trustme.yml]}}
dns:
  resolvers: ["{nameserver}"]
  timeout_ms: 1000
"""


def dkim_manifest_text(nameserver: str) -> str:
    selectors = ", ".join(s for s, _rule in PLANTED_DKIM)
    return f"""version: 1
email:
  domains: [dkim.test]
  dkim_selectors: [{selectors}]
dns:
  resolvers: ["{nameserver}"]
  timeout_ms: 1000
"""


def write_manifest(directory: Path, text: str) -> Manifest:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "trustme.yml").write_text(TRUSTME_PACK)
    path = directory / "launchready.yml"
    path.write_text(text)
    return parse_manifest(text, path)
