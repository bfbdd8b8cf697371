"""Benchmark: accuracy of the secrets scanner against a labelled corpus, next to detect-secrets.

Generates, at run time from a seed, a repository that is NOT the test suite's fixtures:

* planted secrets for every built-in rule (>= 300), in many file types: Python, JS/TS, Go, Ruby,
  Java, ``.env``, YAML (Kubernetes, Compose, CI), JSON, minified JS bundles (lines > 4 KB),
  Markdown, Dockerfiles, shell scripts, Jupyter notebooks, PEM/PGP files;
* decoys (>= 1,000) that must not be reported: vendors' documentation example keys,
  placeholders, lock-file integrity hashes, git SHAs, UUIDs, public keys and certificates, data
  URIs, digests, crypto test vectors, publishable keys, base64 blobs, sealed/encrypted values,
  i18n strings, CSS and design tokens, environment-variable references, code identifiers;
* filler code around them, so timings see a realistic amount of clean text.

Everything is committed to a real git repository. Then ``launchgate secrets --no-history`` (the
same tree scope) and plain ``detect-secrets scan`` run on it, and each reported location
(path, line) is matched against the labels. Prints precision, recall and wall time side by side,
false positives by decoy category, and per-rule misses.

Caveat worth stating: the same people wrote the rules and this generator, so formats the rules
do not know are absent here by construction; real-world recall is lower than this says.

Usage: python benchmarks/secrets_accuracy.py [--seed 1] [--planted 360] [--decoys 1200] [--runs 3]
       [--keep DIR]   (ACCURACY_DEBUG=1 prints every false positive and miss)
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from launchgate.secretscan.rules import load_rules

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "_-"
UPPER = string.ascii_uppercase + string.digits
LOWER = string.ascii_lowercase + string.digits
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
LETTERS = string.ascii_lowercase


class Gen:
    """Random pieces; every secret is mixed-case random text, as real keys are."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def s(self, n: int, alphabet: str = ALNUM) -> str:
        while True:
            out = "".join(self.rng.choice(alphabet) for _ in range(n))
            if alphabet not in (ALNUM, B64URL, B64) or n < 12:
                return out
            if any(c.isdigit() for c in out) and any(c.isupper() for c in out):
                return out

    def hex(self, n: int) -> str:
        return self.s(n, HEX)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def pick(self, items: list[str] | tuple[str, ...]) -> str:
        return self.rng.choice(items)

    def b64(self, nbytes: int) -> str:
        return base64.b64encode(self.rng.randbytes(nbytes)).decode()

    def jwt(self, payload: dict[str, object]) -> str:
        def enc(obj: object) -> str:
            raw = json.dumps(obj, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        header = enc({"alg": "HS256", "typ": "JWT"})
        return f"{header}.{enc(payload)}.{self.s(43, B64URL)}"

    def password(self) -> str:
        words = ["Tr0mbone", "v3lvet", "Qu1nce", "maRble", "Zeph7r", "g4rnet", "Osprey9"]
        return self.pick(words) + self.pick("!#%&*+-_.") + self.s(self.rng.randint(4, 9))

    def pem_body(self, lines: int = 6) -> list[str]:
        return [self.b64(48) for _ in range(lines)]


# ------------------------------------------------------------------------------- planted secrets


@dataclass(frozen=True)
class Secret:
    rule: str
    name: str  # a variable name that gives the context the rule needs
    value: str
    multiline: list[str] = field(default_factory=list)  # PEM/PGP blocks: the whole block
    path: str = ""  # credential files in their own format: the file (lines in ``multiline``)
    line: int = 1  # the line of ``path`` that holds the secret


def _secret_makers(g: Gen) -> dict[str, Callable[[], Secret]]:
    def pem(kind: str, headers: tuple[str, ...] = ()) -> Secret:
        block = [f"-----BEGIN {kind}-----", *headers, *([""] if headers else [])]
        block += [*g.pem_body(), f"-----END {kind}-----"]
        return Secret("secrets.private-key", "PRIVATE_KEY", block[0], block)

    def gcp() -> Secret:
        body = "\\n".join(g.pem_body(4))
        doc = [
            "{",
            '  "type": "service_account",',
            f'  "project_id": "acme-{g.s(6, LOWER)}",',
            f'  "private_key_id": "{g.hex(40)}",',
            f'  "private_key": "-----BEGIN PRIVATE KEY-----\\n{body}'
            '\\n-----END PRIVATE KEY-----\\n",',
            f'  "client_email": "ci@acme-{g.s(6, LOWER)}.iam.gserviceaccount.com",',
            f'  "client_id": "{g.s(21, string.digits)}"',
            "}",
        ]
        return Secret("secrets.gcp-service-account", "", doc[3], doc)

    anon_like = {"iss": "supabase", "ref": g.s(20, LOWER), "role": "service_role"}
    m: dict[str, Callable[[], Secret]] = {
        "openai-api-key": lambda: Secret(
            "",
            "OPENAI_API_KEY",
            g.pick(["sk-proj-", "sk-svcacct-", "sk-"])
            + g.s(48, B64URL)
            + "T3BlbkFJ"
            + g.s(48, B64URL),
        ),
        "anthropic-api-key": lambda: Secret(
            "", "ANTHROPIC_API_KEY", "sk-ant-api03-" + g.s(93, B64URL) + "AA"
        ),
        "huggingface-token": lambda: Secret("", "HF_TOKEN", "hf_" + g.s(34, string.ascii_letters)),
        "groq-api-key": lambda: Secret("", "GROQ_API_KEY", "gsk_" + g.s(52)),
        "replicate-api-token": lambda: Secret("", "REPLICATE_API_TOKEN", "r8_" + g.s(37)),
        "xai-api-key": lambda: Secret("", "XAI_API_KEY", "xai-" + g.s(80)),
        "perplexity-api-key": lambda: Secret("", "PPLX_KEY", "pplx-" + g.s(48)),
        "aws-access-key-id": lambda: Secret(
            "",
            "AWS_ACCESS_KEY_ID",
            g.pick(["AKIA", "ASIA"]) + g.s(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
        ),
        "aws-secret-access-key": lambda: Secret("", "AWS_SECRET_ACCESS_KEY", g.s(40, B64)),
        "gcp-service-account": gcp,
        "google-api-key": lambda: Secret("", "MAPS_KEY", "AIza" + g.s(35, B64URL)),
        "azure-storage-account-key": lambda: Secret(
            "",
            "AZURE_STORAGE_CONNECTION_STRING",
            f"DefaultEndpointsProtocol=https;AccountName=acme{g.s(5, LOWER)};AccountKey="
            + g.b64(64)
            + ";EndpointSuffix=core.windows.net",
        ),
        "azure-shared-access-key": lambda: Secret(
            "",
            "SERVICEBUS_CONNECTION",
            f"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={g.b64(32)}",
        ),
        "google-oauth-client-secret": lambda: Secret(
            "", "GOOGLE_CLIENT_SECRET", "GOCSPX-" + g.s(28, B64URL)
        ),
        "google-oauth-access-token": lambda: Secret("", "GTOKEN", "ya29." + g.s(150, B64URL)),
        "firebase-cloud-messaging-key": lambda: Secret(
            "", "FCM_SERVER_KEY", "AAAA" + g.s(7, B64URL) + ":APA91b" + g.s(134, B64URL)
        ),
        "azure-ad-client-secret": lambda: Secret(
            "",
            "AZURE_CLIENT_SECRET",
            g.s(3) + g.pick("0123456789") + "Q~" + g.s(34, ALNUM + "_~.-"),
        ),
        "sendgrid-api-key": lambda: Secret(
            "", "SENDGRID_API_KEY", "SG." + g.s(22, B64URL) + "." + g.s(43, B64URL)
        ),
        "mailgun-api-key": lambda: Secret("", "MG_KEY", "key-" + g.hex(32)),
        "mailgun-api-key-v2": lambda: Secret(
            "", "MAILGUN_API_KEY", f"{g.hex(32)}-{g.hex(8)}-{g.hex(8)}"
        ),
        "postmark-server-token": lambda: Secret("", "POSTMARK_SERVER_TOKEN", g.uuid()),
        "mailchimp-api-key": lambda: Secret(
            "", "MC_KEY", g.hex(32) + "-us" + str(g.rng.randint(1, 21))
        ),
        "brevo-api-key": lambda: Secret("", "BREVO_KEY", f"xkeysib-{g.hex(64)}-{g.s(16)}"),
        "private-key-base64": lambda: Secret(
            "",
            "tls.key",
            base64.b64encode(
                ("-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(g.pem_body(8))).encode()
            ).decode(),
        ),
        "age-secret-key": lambda: Secret("", "AGE_KEY", "AGE-SECRET-KEY-1" + g.s(58, BECH32)),
        "supabase-service-role-jwt": lambda: Secret(
            "", "SUPABASE_SERVICE_ROLE_KEY", g.jwt({**anon_like, "iat": g.rng.randint(1, 9**9)})
        ),
        "jwt": lambda: Secret(
            "",
            "SESSION_JWT",
            g.jwt(
                {"sub": g.uuid(), "scope": "admin", "exp": 1_900_000_000 + g.rng.randint(0, 9**6)}
            ),
        ),
        "database-url": lambda: Secret(
            "",
            "DATABASE_URL",
            f"{g.pick(['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'rediss', 'amqps'])}://"
            f"app_{g.s(4, LOWER)}:{g.s(18)}@db-{g.s(5, LOWER)}.internal.acme.io:5432/prod",
        ),
        "slack-token": lambda: Secret(
            "",
            "SLACK_BOT_TOKEN",
            g.pick(
                [
                    f"xoxb-{g.s(12, string.digits)}-{g.s(13, string.digits)}-{g.s(24)}",
                    f"xoxp-{g.s(12, string.digits)}-{g.s(12, string.digits)}-"
                    f"{g.s(13, string.digits)}-{g.hex(32)}",
                ]
            ),
        ),
        "slack-webhook": lambda: Secret(
            "",
            "SLACK_WEBHOOK_URL",
            f"https://hooks.slack.com/services/T{g.s(10, UPPER)}/B{g.s(10, UPPER)}/{g.s(24)}",
        ),
        "telegram-bot-token": lambda: Secret(
            "", "TELEGRAM_BOT_TOKEN", f"{g.s(10, string.digits)}:AA{g.s(33, B64URL)}"
        ),
        "discord-bot-token": lambda: Secret(
            "",
            "DISCORD_BOT_TOKEN",
            f"{g.pick('MNO')}{g.s(25, ALNUM)}.{g.s(6, B64URL)}.{g.s(27, B64URL)}",
        ),
        "discord-webhook": lambda: Secret(
            "",
            "DISCORD_WEBHOOK",
            f"https://discord.com/api/webhooks/{g.s(18, string.digits)}/{g.s(68, B64URL)}",
        ),
        "twilio-api-key": lambda: Secret("", "TWILIO_AUTH_TOKEN", g.hex(32)),
        "stripe-secret-key": lambda: Secret("", "STRIPE_SECRET_KEY", "sk_live_" + g.s(99)),
        "stripe-restricted-key": lambda: Secret("", "STRIPE_RESTRICTED_KEY", "rk_live_" + g.s(99)),
        "stripe-test-secret-key": lambda: Secret("", "STRIPE_TEST_KEY", "sk_test_" + g.s(99)),
        "stripe-webhook-secret": lambda: Secret("", "STRIPE_WEBHOOK_SECRET", "whsec_" + g.s(32)),
        "django-secret-key": lambda: Secret(
            "", "SECRET_KEY", "django-insecure-" + g.s(50, LOWER + string.digits + "!@#%^&*(-_=+)")
        ),
        "square-token": lambda: Secret("", "SQUARE_ACCESS_TOKEN", "sq0atp-" + g.s(22, B64URL)),
        "braintree-access-token": lambda: Secret(
            "", "BT_TOKEN", f"access_token$production${g.s(16, LOWER)}${g.hex(32)}"
        ),
        "digitalocean-token": lambda: Secret("", "DO_TOKEN", "dop_v1_" + g.hex(64)),
        "heroku-api-key": lambda: Secret("", "HEROKU_API_KEY", "HRKU-AA" + g.s(58, B64URL)),
        "vercel-token": lambda: Secret("", "VERCEL_TOKEN", g.s(24)),
        "netlify-token": lambda: Secret("", "NETLIFY_AUTH_TOKEN", "nfp_" + g.s(36)),
        "cloudflare-api-token": lambda: Secret("", "CLOUDFLARE_API_TOKEN", g.s(40, B64URL)),
        "cloudflare-origin-ca-key": lambda: Secret(
            "", "CF_ORIGIN_CA_KEY", f"v1.0-{g.hex(24)}-{g.hex(146)}"
        ),
        "supabase-secret-key": lambda: Secret(
            "", "SUPABASE_SECRET", "sb_secret_" + g.s(31, B64URL)
        ),
        "doppler-token": lambda: Secret("", "DOPPLER_TOKEN", "dp.st.prd." + g.s(43)),
        "vault-token": lambda: Secret("", "VAULT_TOKEN", "hvs." + g.s(95, B64URL)),
        "terraform-cloud-token": lambda: Secret(
            "", "TFC_TOKEN", f"{g.s(14)}.atlasv1.{g.s(67, B64URL)}"
        ),
        "pulumi-token": lambda: Secret("", "PULUMI_ACCESS_TOKEN", "pul-" + g.hex(40)),
        "planetscale-token": lambda: Secret("", "PSCALE_PASSWORD", "pscale_pw_" + g.s(43, B64URL)),
        "databricks-token": lambda: Secret("", "DATABRICKS_TOKEN", "dapi" + g.hex(32)),
        "onepassword-service-account": lambda: Secret(
            "", "OP_SERVICE_ACCOUNT_TOKEN", "ops_eyJ" + g.s(400, B64)
        ),
        "sentry-token": lambda: Secret("", "SENTRY_AUTH_TOKEN", "sntryu_" + g.hex(64)),
        "grafana-token": lambda: Secret("", "GRAFANA_SA_TOKEN", f"glsa_{g.s(32)}_{g.hex(8)}"),
        "newrelic-user-key": lambda: Secret("", "NEW_RELIC_API_KEY", "NRAK-" + g.s(27, UPPER)),
        "dynatrace-token": lambda: Secret(
            "", "DT_API_TOKEN", f"dt0c01.{g.s(24, UPPER)}.{g.s(64, UPPER)}"
        ),
        "linear-api-key": lambda: Secret("", "LINEAR_API_KEY", "lin_api_" + g.s(40)),
        "atlassian-api-token": lambda: Secret("", "JIRA_API_TOKEN", "ATATT3" + g.s(186, B64URL)),
        "notion-token": lambda: Secret(
            "", "NOTION_TOKEN", "ntn_" + g.s(11, string.digits) + g.s(35)
        ),
        "figma-token": lambda: Secret("", "FIGMA_TOKEN", "figd_" + g.s(40, B64URL)),
        "postman-api-key": lambda: Secret("", "POSTMAN_API_KEY", f"PMAK-{g.hex(24)}-{g.hex(34)}"),
        "shopify-token": lambda: Secret(
            "", "SHOPIFY_TOKEN", g.pick(["shpat_", "shpss_", "shpca_"]) + g.hex(32)
        ),
        "github-token": lambda: Secret(
            "", "GH_TOKEN", g.pick(["ghp_", "gho_", "ghs_", "ghu_"]) + g.s(36)
        ),
        "github-fine-grained-token": lambda: Secret(
            "", "GH_PAT", f"github_pat_{g.s(22)}_{g.s(59)}"
        ),
        "gitlab-token": lambda: Secret("", "GITLAB_TOKEN", "glpat-" + g.s(20, B64URL)),
        "npm-token": lambda: Secret("", "NPM_TOKEN", "npm_" + g.s(36)),
        "pypi-token": lambda: Secret("", "PYPI_TOKEN", "pypi-AgEIcHlwaS5vcmc" + g.s(140, B64URL)),
        "gitlab-other-token": lambda: Secret(
            "", "CI_RUNNER_TOKEN", g.pick(["glrt-", "gldt-"]) + g.s(20, B64URL)
        ),
        "pypi-test-token": lambda: Secret(
            "", "TEST_PYPI_TOKEN", "pypi-AgENdGVzdC5weXBpLm9yZw" + g.s(140, B64URL)
        ),
        "generic-password": lambda: Secret(
            "",
            g.pick(["DB_PASSWORD", "smtp_password", "adminPassword", "REDIS_PASS"]),
            g.password(),
        ),
        "generic-api-key": lambda: Secret(
            "",
            g.pick(["API_KEY", "client_secret", "ACME_API_TOKEN", "webhookSecret", "secret_key"]),
            g.s(32),
        ),
        "url-credentials": lambda: Secret(
            "",
            "REGISTRY_URL",
            f"https://deploy:{g.s(16)}@registry.{g.s(5, LOWER)}.io/simple",
        ),
    }

    def key_block() -> Secret:
        kind = g.pick(["rsa", "openssh", "ec", "pkcs8", "pgp", "enc"])
        if kind == "pgp":
            return pem("PGP PRIVATE KEY BLOCK", ("Version: GnuPG v2", "Comment: release signing"))
        if kind == "enc":
            return pem(
                "RSA PRIVATE KEY",
                ("Proc-Type: 4,ENCRYPTED", f"DEK-Info: AES-256-CBC,{g.hex(32).upper()}"),
            )
        return pem(
            {
                "rsa": "RSA PRIVATE KEY",
                "openssh": "OPENSSH PRIVATE KEY",
                "ec": "EC PRIVATE KEY",
                "pkcs8": "PRIVATE KEY",
            }[kind]
        )

    m["private-key"] = key_block
    m.update(_credential_file_makers(g))
    for name, make in list(m.items()):  # stamp each secret with its rule id

        def stamped(make: Callable[[], Secret] = make, name: str = name) -> Secret:
            secret = make()
            return Secret(
                secret.rule or f"secrets.{name}",
                secret.name,
                secret.value,
                secret.multiline,
                secret.path,
                secret.line,
            )

        m[name] = stamped
    return m


OWN_FILE = {
    "git-credentials",
    "netrc-password",
    "pgpass",
    "npmrc-auth-token",
    "npmrc-basic-auth",
    "docker-config-auth",
    "password-hash-file",
    "putty-private-key",
    "rails-master-key",
    "s3cfg-secret-key",
    "pypirc-password",
    "config-php-define",
    "django-settings-secret-key",
    "config-database-yml-password",
    "config-xml-password",
    "config-server-password",
    "sql-dump-password-hash",
    "sql-dump-api-key",
}


def _credential_file_makers(g: Gen) -> dict[str, Callable[[], Secret]]:
    """Credential files and config formats: most in their own file, some inside any file."""
    crypt = "./" + ALNUM

    def own(path: str, lines: list[str], line: int) -> Secret:
        return Secret("", "", "", lines, f"{g.s(6, LOWER)}/{path}", line)

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    return {
        "git-credentials": lambda: own(
            ".git-credentials", [f"https://ci:{g.s(24)}@git.{g.s(5, LOWER)}.io"], 1
        ),
        "netrc-password": lambda: own(
            ".netrc", [f"machine api.{g.s(5, LOWER)}.io", "  login ops", f"  password {g.s(20)}"], 3
        ),
        "netrc-machine-line": lambda: Secret(
            "", "NETRC_LINE", f"machine ftp.acme.io login ci password {g.s(18)}"
        ),
        "pgpass": lambda: own(".pgpass", [f"db.{g.s(5, LOWER)}.io:5432:app:app:{g.password()}"], 1),
        "npmrc-auth-token": lambda: own(
            ".npmrc", ["registry=https://npm.acme.io/", f"//npm.acme.io/:_authToken={g.s(40)}"], 2
        ),
        "npmrc-basic-auth": lambda: own(".npmrc", [f"_auth={b64('ci:' + g.password())}"], 1),
        "docker-config-auth": lambda: own(
            ".docker/config.json",
            ['{"auths": {', f'  "reg.acme.io": {{"auth": "{b64("ci:" + g.s(20))}"}}', "}}"],
            2,
        ),
        "password-hash-file": lambda: own(".htpasswd", [f"ops:$apr1${g.s(8)}${g.s(22, crypt)}"], 1),
        "putty-private-key": lambda: own(
            "deploy.ppk",
            ["PuTTY-User-Key-File-2: ssh-rsa", "Encryption: none", f"Private-MAC: {g.hex(40)}"],
            3,
        ),
        "rails-master-key": lambda: own("config/master.key", [g.hex(32)], 1),
        "s3cfg-secret-key": lambda: own(".s3cfg", ["[default]", f"secret_key = {g.s(40, B64)}"], 2),
        "pypirc-password": lambda: own(".pypirc", ["[pypi]", f"password = {g.s(24)}"], 2),
        "config-php-define": lambda: own(
            "wp-config.php", ["<?php", f"define( 'DB_PASSWORD', '{g.password()}' );"], 2
        ),
        "django-settings-secret-key": lambda: own(
            "settings.py",
            ["DEBUG = False", f"SECRET_KEY = '{g.s(50, LOWER + '!@#%^&*(-_=+)')}'"],
            2,
        ),
        "config-database-yml-password": lambda: own(
            "config/database.yml", ["production:", "  adapter: mysql2", f"  password: {g.s(16)}"], 3
        ),
        "config-jdbc-password": lambda: Secret(
            "", "DATASOURCE_URL", f"jdbc:mysql://db.acme.io:3306/app?user=app&password={g.s(16)}"
        ),
        "config-connection-string-password": lambda: Secret(
            "", "CONNECTION", f"Server=sql.acme.io;Database=app;User Id=rpt;Password={g.s(14)};"
        ),
        "config-xml-password": lambda: own(
            "settings.xml", ["<server>", "  <id>nexus</id>", f"  <password>{g.s(18)}</password>"], 3
        ),
        "config-server-password": lambda: own(
            "conf/tomcat-users.xml",
            [f'<user username="ops" password="{g.s(12)}" roles="admin"/>'],
            1,
        ),
        "sql-dump-password-hash": lambda: own(
            "dump.sql",
            [f"INSERT INTO `users` VALUES (1,'a@acme.io','$2y$10${g.s(53, crypt)}');"],
            1,
        ),
        "sql-dump-api-key": lambda: own(
            "dump.sql", [f"INSERT INTO api_keys (id, token) VALUES (1, '{g.s(32)}');"], 1
        ),
        "clerk-secret-key": lambda: Secret("", "CLERK_SECRET_KEY", "sk_live_" + g.s(42)),
        "clerk-test-secret-key": lambda: Secret("", "CLERK_SECRET_KEY", "sk_test_" + g.s(42)),
        "firebase-web-api-key": lambda: Secret("", "FIREBASE_API_KEY", "AIza" + g.s(35, B64URL)),
    }


# ------------------------------------------------------------------------------- placement


def _line_for(kind: str, name: str, value: str, g: Gen) -> str:
    """One line that assigns ``value`` in the idiom of file kind ``kind``."""
    lower = name.lower()
    camel = lower.split("_")[0] + "".join(p.title() for p in lower.split("_")[1:])
    if kind == "py":
        return g.pick(
            [f'{name} = "{value}"', f"    {lower}='{value}'", f'cfg["{lower}"] = "{value}"']
        )
    if kind in ("js", "ts"):
        return g.pick(
            [
                f'const {camel} = "{value}";',
                f"  {camel}: '{value}',",
                f"export const {name} = `{value}`;",
            ]
        )
    if kind == "go":
        return f'\t{camel} := "{value}"'
    if kind == "rb":
        return f'{lower} = "{value}"'
    if kind == "java":
        return f'    private static final String {name} = "{value}";'
    if kind == "env":
        return g.pick([f"{name}={value}", f'{name}="{value}"', f"export {name}={value}"])
    if kind == "yaml":
        return g.pick([f"  {name}: {value}", f'      {lower}: "{value}"', f"    - {name}={value}"])
    if kind == "json":
        return f'  "{name}": "{value}",'
    if kind == "md":
        return g.pick([f"export {name}={value}", f"{name}={value}"])
    if kind == "docker":
        return g.pick([f"ENV {name}={value}", f"ARG {name}={value}", f'ENV {name}="{value}"'])
    if kind == "sh":
        return g.pick([f'export {name}="{value}"', f"{name}={value} ./deploy.sh"])
    if kind == "ipynb":
        code = f"{lower} = '{value}'\\n"
        return f'    "{code}",'
    raise ValueError(kind)


EXT = {
    "py": ".py",
    "js": ".js",
    "ts": ".ts",
    "go": ".go",
    "rb": ".rb",
    "java": ".java",
    "env": ".env",
    "yaml": ".yml",
    "json": ".json",
    "md": ".md",
    "docker": "Dockerfile",
    "sh": ".sh",
    "ipynb": ".ipynb",
}
KINDS = list(EXT)
FILLER = {
    "py": [
        "import os",
        "def handler(event, context):",
        "    return {'ok': True}",
        "    items = [x for x in range(10)]",
        "# TODO: tidy this up",
        "class Service:",
        "    pass",
    ],
    "js": [
        "import React from 'react';",
        "function render(props) {",
        "  return props.children;",
        "}",
        "// keep in sync with the API",
        "const items = [1, 2, 3].map((x) => x * 2);",
    ],
    "ts": [
        "interface User { id: string; name: string }",
        "export function sum(a: number, b: number): number {",
        "  return a + b;",
        "}",
        "type Token = { kind: 'word'; text: string };",
    ],
    "go": [
        "package main",
        'import "fmt"',
        "func main() {",
        '\tfmt.Println("hello")',
        "}",
        "// Config holds settings",
    ],
    "rb": [
        "require 'json'",
        "class Job",
        "  def perform(id)",
        "    Record.find(id)",
        "  end",
        "end",
    ],
    "java": [
        "package com.acme;",
        "public class App {",
        "    public static void main(String[] args) {",
        "    }",
        "}",
    ],
    "env": [
        "NODE_ENV=production",
        "PORT=8080",
        "LOG_LEVEL=info",
        "# database",
        "FEATURE_FLAGS=new-checkout,dark-mode",
    ],
    "yaml": [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: app",
        "data:",
        "  LOG_LEVEL: info",
        "services:",
        "  web:",
        "    image: acme/web:1.4.2",
    ],
    "json": ["{", '  "name": "acme",', '  "version": "1.2.3",', '  "private": true,', "}"],
    "md": [
        "# Setup",
        "",
        "Run the app locally:",
        "```bash",
        "```",
        "- install dependencies",
        "See the docs for details.",
    ],
    "docker": [
        "FROM python:3.12-slim",
        "WORKDIR /app",
        "COPY . .",
        "RUN pip install -r requirements.txt",
        'CMD ["python", "app.py"]',
    ],
    "sh": [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        'cd "$(dirname "$0")"',
        "echo deploying",
        "make build",
    ],
    "ipynb": [
        '{"cells": [{"cell_type": "code", "metadata": {}, "source": [',
        '    "import pandas as pd\\n",',
        "    \"df = pd.read_csv('data.csv')\\n\",",
        "   ]}]}",
    ],
}


# ------------------------------------------------------------------------------- decoys


def _decoy_makers(g: Gen) -> dict[str, Callable[[str], list[str]]]:
    """Each returns the lines of one decoy in the idiom of a file kind."""

    def assign(kind: str, name: str, value: str) -> list[str]:
        return [_line_for(kind, name, value, g)]

    doc_values = [
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("STRIPE_SECRET_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
        (
            "TOKEN",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ),
        ("aws_access_key_id", "AKIAI44QH8DHBEXAMPLE"),
    ]
    placeholders = [
        "<your-api-key>",
        "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
        "changeme",
        "${API_TOKEN}",
        "{{ .Values.apiKey }}",
        "your-token-here",
        "REPLACE_ME",
        "********",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk-proj-...",
        "TODO",
        "<secret>",
        "xoxb-your-token",
        "dop_v1_<token>",
        "glpat-xxxxxxxxxxxxxxxxxxxx",
        "${{ secrets.DEPLOY_KEY }}",
        "%(password)s",
        "$SECRET_KEY",
        "placeholder",
        "insert-key-here",
    ]
    names = [
        "API_KEY",
        "SECRET_KEY",
        "DB_PASSWORD",
        "AUTH_TOKEN",
        "STRIPE_SECRET_KEY",
        "GITHUB_TOKEN",
    ]

    def lock(kind: str) -> list[str]:
        sha512 = base64.b64encode(g.rng.randbytes(64)).decode()
        return [
            g.pick(
                [
                    f'      "integrity": "sha512-{sha512}",',
                    f"  integrity sha512-{sha512}",
                    f'    {{file = "pkg-1.0.tar.gz", hash = "sha256:{g.hex(64)}"}},',
                    f"github.com/acme/lib v1.2.{g.rng.randint(0, 9)} h1:{g.b64(32)}",
                    f'  resolved "https://registry.yarnpkg.com/x/-/x-1.0.0.tgz#{g.hex(40)}"',
                ]
            )
        ]

    def sha(kind: str) -> list[str]:
        return [
            g.pick(
                [
                    f"      - uses: actions/checkout@{g.hex(40)}  # v4",
                    f'rev = "{g.hex(40)}"',
                    f"commit_sha: {g.hex(40)}",
                    f"- fix: handle empty config ({g.hex(7)})",
                    f'  "gitHead": "{g.hex(40)}",',
                    f"GIT_COMMIT={g.hex(40)}",
                ]
            )
        ]

    def uid(kind: str) -> list[str]:
        name = g.pick(
            ["request_id", "tenant_id", "client_id", "TRACE_ID", "api_key_id", "correlation"]
        )
        return assign(kind, name, g.uuid())

    def public(kind: str) -> list[str]:
        choice = g.rng.randrange(4)
        if choice == 0:
            return [f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{g.s(43, B64)} deploy@ci"]
        if choice == 1:
            return ["-----BEGIN PUBLIC KEY-----", *g.pem_body(5), "-----END PUBLIC KEY-----"]
        if choice == 2:
            return ["-----BEGIN CERTIFICATE-----", *g.pem_body(8), "-----END CERTIFICATE-----"]
        return assign(kind, "public_key", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + g.s(120, B64))

    def data_uri(kind: str) -> list[str]:
        blob = g.b64(g.rng.randint(60, 300))
        return [
            g.pick(
                [
                    f"  background-image: url(data:image/png;base64,{blob});",
                    f'<img alt="logo" src="data:image/svg+xml;base64,{blob}">',
                    f"![badge](data:image/png;base64,{blob})",
                    f'  "icon": "data:image/png;base64,{blob}",',
                ]
            )
        ]

    def digest(kind: str) -> list[str]:
        return [
            g.pick(
                [
                    f"{g.hex(64)}  launchgate-1.0.0.tar.gz",
                    f'checksum = "{g.hex(64)}"',
                    f'  "etag": "{g.hex(32)}",',
                    f"sha256: {g.hex(64)}",
                    f'md5 = "{g.hex(32)}"',
                    f'<script src="/app.js" integrity="sha384-{g.b64(48)}"></script>',
                ]
            )
        ]

    vectors = [
        'expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
        'key = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")',
        "KEY = b'\\x0b' * 20  # RFC 4231 test case 1",
        'secret_key = "000102030405060708090a0b0c0d0e0f"',
        'assert hmac_sha256(b"Jefe", b"what do ya want for nothing?") == EXPECTED',
        'NONCE = "000000000000000000000000"',
        'TEST_PRIVATE_KEY_HEX = "0000000000000000000000000000000000000000000000000000000000000001"',
    ]

    def publishable(kind: str) -> list[str]:
        choice = g.rng.randrange(6)
        if choice == 0:
            return assign(
                kind, "STRIPE_PUBLISHABLE_KEY", g.pick(["pk_live_", "pk_test_"]) + g.s(99)
            )
        if choice == 1:
            return assign(kind, "SUPABASE_PUBLISHABLE_KEY", "sb_publishable_" + g.s(31, B64URL))
        if choice == 2:
            return assign(
                kind, "MAPBOX_PUBLIC_TOKEN", "pk.eyJ1IjoiYWNtZSIsImEiOiJ" + g.s(20) + "." + g.s(22)
            )
        if choice == 3:
            org, project = g.rng.randint(10**5, 10**6), g.rng.randint(10**6, 10**7)
            dsn = f"https://{g.hex(32)}@o{org}.ingest.sentry.io/{project}"
            return assign(kind, "SENTRY_DSN", dsn)
        if choice == 4:
            return assign(kind, "POSTHOG_KEY", "phc_" + g.s(43))
        anon = g.jwt(
            {"iss": "supabase", "ref": g.s(20, LOWER), "role": "anon", "iat": 1_700_000_000}
        )
        return assign(kind, "SUPABASE_ANON_KEY", anon)

    def blob(kind: str) -> list[str]:
        return [
            g.pick(
                [
                    f'const WASM = "{g.b64(g.rng.randint(200, 600))}";',
                    f"  font.woff2: {g.b64(g.rng.randint(100, 400))}",
                    f"    password: AgB{g.s(600, B64)}==",
                    f'  "thumbnail": "{g.b64(g.rng.randint(80, 200))}",',
                    f"  db_password: ENC[AES256_GCM,data:{g.b64(12)},iv:{g.b64(32)},"
                    f"tag:{g.b64(16)},type:str]",
                ]
            )
        ]

    i18n = [
        '  "password_too_short": "Password must be at least 8 characters",',
        '  "password": "Mot de passe",',
        '  "passwort": "Kennwort",',
        '  "token_expired": "Your session has expired, please sign in again",',
        '  "apiKeyLabel": "API key",',
        '  "secret_question": "What was the name of your first pet?",',
        '  "forgot_password": "Forgot your password?",',
        '  "password_label": "Contraseña",',
        '  password: "Passwort",',
        '  "api_key_help": "Find your API key under Settings > Developers",',
        "  new_password: Nouveau mot de passe",
        '  "token": "Jeton",',
    ]

    def css(kind: str) -> list[str]:
        return [
            g.pick(
                [
                    f"  --token-color-primary: #{g.hex(6)};",
                    f".secret-banner {{ color: #{g.hex(6)}; margin: 0 auto; }}",
                    f"$token-spacing-lg: {g.rng.randint(8, 64)}px;",
                    '  "token": "color.brand.500",',
                    f".password-field--{g.s(6, LOWER)} {{ border: 1px solid #{g.hex(6)}; }}",
                    "  font-family: 'Inter', system-ui, -apple-system, sans-serif;",
                ]
            )
        ]

    env_refs = [
        "const key = process.env.STRIPE_SECRET_KEY;",
        'api_key = os.environ["OPENAI_API_KEY"]',
        'token = ENV["GITHUB_TOKEN"]',
        "          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
        'password: "${DB_PASSWORD}"',
        'secret = System.getenv("CLIENT_SECRET");',
        'SECRET_KEY = env("DJANGO_SECRET_KEY")',
        "export AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app",
        "api_key: !ENV ${ACME_API_KEY}",
        "const token = import.meta.env.VITE_API_TOKEN",
        'curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user',
    ]
    identifiers = [
        'password = request.form["password"]',
        "token = generate_token(user)",
        "secret_key = settings.SECRET_KEY",
        'api_key: str = Field(..., env="API_KEY")',
        "if token == expected_token:",
        "  password: hashedPassword,",
        "const { accessToken, refreshToken } = await login(credentials);",
        "DB_PASSWORD_FILE=/run/secrets/db_password",
        'password_reset_url = "https://acme.io/reset"',
        "auth_token_header = 'X-Auth-Token'",
        f'customer_id = "cus_{g.s(14)}"',
        f'payment_intent = "pi_{g.s(24)}"',
        'aws_account_id = "123456789012"',
        'role_arn = "arn:aws:iam::123456789012:role/deploy"',
        "REDIS_URL=redis://redis:6379/0",
        'repo = "git+ssh://git@github.com/acme/lib.git"',
        "POSTGRES_PASSWORD: postgres",
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app",
        'csrf_token_name = "csrfmiddlewaretoken"',
    ]

    held_out = [  # written after the rules were tuned on the categories above
        '    password: "${{ steps.creds.outputs.db_password }}"',
        'variable "db_password" { default = "" }',
        'token_type = "Bearer"',
        '\tPassword string `json:"password" yaml:"password"`',
        "const TOKEN_PATTERN = /^ghp_[A-Za-z0-9]{36}$/;",
        "            secretKeyRef: {name: db-credentials, key: password}",
        '<input type="password" name="password" value="" autocomplete="current-password">',
        'def login(username: str, password: str = "") -> Token:',
        "  password: *default_password",
        '    @Value("${jwt.secret}") private String secret;',
        'client_secret = "test-client-secret"',
        'api_key = f"{prefix}_{suffix}"',
        f"  sessionStorage.setItem('token', response.data.{g.s(5, string.ascii_lowercase)});",
        "SECRET_KEY = get_random_secret_key()",
        "grep -r 'sk_live_' . && echo 'found a Stripe key'",
        'PASSWORD_REGEX = r"^(?=.*[A-Z])(?=.*\\d).{12,}$"',
        "  token: !vault |",
        f'  "tokenizer_config": "{g.s(8, string.ascii_lowercase)}.json",',
        f'secret_name = "prod/{g.s(6, string.ascii_lowercase)}/db"',
        'AUTH_HEADER = "Authorization: Bearer <token>"',
    ]

    return {
        "held-out-code": lambda k: [g.pick(held_out)],
        "documentation-example": lambda k: assign(k, *g.pick(doc_values)),  # type: ignore[misc]
        "placeholder": lambda k: assign(k, g.pick(names), g.pick(placeholders)),
        "lock-file-integrity": lock,
        "git-sha": sha,
        "uuid": uid,
        "public-key": public,
        "data-uri": data_uri,
        "hash": digest,
        "test-vector": lambda k: [g.pick(vectors)],
        "publishable-key": publishable,
        "base64-blob": blob,
        "i18n-string": lambda k: [g.pick(i18n)],
        "css": css,
        "env-reference": lambda k: [g.pick(env_refs)],
        "code-identifier": lambda k: [g.pick(identifiers)],
    }


# ------------------------------------------------------------------------------- corpus


@dataclass
class Corpus:
    files: dict[str, list[str]] = field(default_factory=dict)
    planted: dict[tuple[str, int], str] = field(default_factory=dict)  # (path, line) -> rule
    decoys: dict[tuple[str, int], str] = field(default_factory=dict)  # (path, line) -> category


def build(seed: int, n_planted: int, n_decoys: int) -> Corpus:
    g = Gen(seed)
    makers = _secret_makers(g)
    decoys = _decoy_makers(g)
    rule_ids = [r.id for r in load_rules().rules]
    missing = [r for r in rule_ids if r.removeprefix("secrets.") not in makers]
    if missing:
        raise SystemExit(f"no generator for: {', '.join(missing)}")
    corpus = Corpus()
    rules = [r.removeprefix("secrets.") for r in rule_ids]
    plan: list[tuple[str, str]] = [("secret", r) for r in rules]  # every rule at least once
    plan += [("secret", g.pick(rules)) for _ in range(max(0, n_planted - len(rules)))]
    plan += [("decoy", g.pick(list(decoys))) for _ in range(n_decoys)]
    g.rng.shuffle(plan)
    counter: collections.Counter[str] = collections.Counter()
    i = 0
    while i < len(plan):
        kind = g.pick(KINDS)
        counter[kind] += 1
        path = _path_for(kind, counter[kind], g)
        lines = list(FILLER[kind][:2])
        for what, item in plan[i : i + g.rng.randint(3, 9)]:
            i += 1
            for _ in range(g.rng.randint(2, 30)):
                lines.append(g.pick(FILLER[kind]))
            if what == "decoy":
                start = len(lines) + 1
                block = decoys[item](kind)
                lines += block
                for j in range(len(block)):
                    corpus.decoys[(path, start + j)] = item
                continue
            secret = makers[item]()
            rule = secret.rule
            if secret.path:
                corpus.files[secret.path] = secret.multiline
                corpus.planted[(secret.path, secret.line)] = rule
            elif secret.multiline:
                _place_block(corpus, rule, secret, kind, path, lines, g)
            else:
                lines.append(_line_for(kind, secret.name, secret.value, g))
                corpus.planted[(path, len(lines))] = rule
        lines += FILLER[kind][-2:]
        corpus.files[path] = lines
    _add_bundles(corpus, g, makers, rules, decoys)
    return corpus


def _path_for(kind: str, n: int, g: Gen) -> str:
    folder = g.pick(["src", "app", "config", "deploy", "scripts", "docs", "services/api", "web"])
    if kind == "docker":
        return f"{folder}/svc{n}/Dockerfile"
    if kind == "env":
        return f"{folder}/.env.{g.pick(['production', 'staging', 'local'])}{n}"
    return f"{folder}/file{n}{EXT[kind]}"


def _place_block(
    corpus: Corpus, rule: str, secret: Secret, kind: str, path: str, lines: list[str], g: Gen
) -> None:
    """Multi-line keys: as their own file, in YAML block scalars, or escaped inside JSON."""
    if rule == "secrets.gcp-service-account":
        sa = f"deploy/keys/{g.s(6, LOWER)}-sa.json"
        corpus.files[sa] = secret.multiline
        corpus.planted[(sa, 4)] = rule  # private_key_id
        corpus.planted[(sa, 5)] = "secrets.private-key"
        return
    style = g.pick(["file", "yaml", "json"])
    if style == "file":
        pem = f"deploy/certs/{g.s(6, LOWER)}.{g.pick(['pem', 'key', 'asc'])}"
        corpus.files[pem] = secret.multiline
        corpus.planted[(pem, 1)] = rule
    elif style == "yaml":
        target = f"deploy/k8s/{g.s(6, LOWER)}.yml"
        body = ["apiVersion: v1", "kind: Secret", "stringData:", "  tls.key: |"]
        body += ["    " + line if line else "" for line in secret.multiline]
        corpus.files[target] = body
        corpus.planted[(target, 5)] = rule
    else:
        lines.append(_line_for("json", "private_key", "\\n".join(secret.multiline) + "\\n", g))
        corpus.planted[(path, len(lines))] = rule


def _add_bundles(
    corpus: Corpus,
    g: Gen,
    makers: dict[str, Callable[[], Secret]],
    rules: list[str],
    decoys: dict[str, Callable[[str], list[str]]],
) -> None:
    """Minified client bundles committed to the repo: one secret per > 4 KB line, decoys too."""
    single = [r for r in rules if r not in ("private-key", "gcp-service-account", *OWN_FILE)]
    keywords = {r.id: r.keywords for r in load_rules().rules}
    for _ in range(6):
        path = f"public/assets/app.{g.hex(8)}.min.js"
        lines: list[str] = []
        for _ in range(12):
            chunk = "".join(
                f"function {g.s(2, LETTERS)}(e,t){{return e.{g.s(3, LETTERS)}(t)}};"
                for _ in range(g.rng.randint(60, 140))
            )
            roll = g.rng.random()
            if roll < 0.5:
                secret = makers[g.pick(single)]()
                # A value that holds none of its rule's keywords needs its variable name for
                # context (a password, a UUID-shaped token): never plant it under "k".
                self_evident = any(kw in secret.value.lower() for kw in keywords[secret.rule])
                key = (
                    g.pick([secret.name.lower(), "k", "e.apiKey"])
                    if self_evident
                    else secret.name.lower()
                )
                lines.append(f'{chunk}var {key.replace(".", "_")}="{secret.value}";{chunk}')
                corpus.planted[(path, len(lines))] = secret.rule
            elif roll < 0.8:
                category = g.pick(["publishable-key", "data-uri", "uuid", "hash", "placeholder"])
                line = decoys[category]("js")[0]
                lines.append(chunk + line + chunk)
                corpus.decoys[(path, len(lines))] = category
            else:
                lines.append(chunk)
        corpus.files[path] = lines


# ------------------------------------------------------------------------------- scanners


def write_repo(corpus: Corpus, root: Path) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    for path, lines in corpus.files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    subprocess.run([*git, "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], cwd=root, check=True, env=env)


def run_launchgate(
    root: Path, history: bool
) -> tuple[set[tuple[str, int]], float, dict[tuple[str, int], str]]:
    cmd = [sys.executable, "-m", "launchgate", "secrets", str(root), "--format", "json"]
    cmd += [] if history else ["--no-history"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"launchgate failed: {proc.stderr}")
    report = json.loads(proc.stdout)
    found: dict[tuple[str, int], str] = {}
    for f in report["findings"]:
        loc = f.get("location") or {}
        if f.get("severity") != "info" and loc.get("path") and loc.get("line"):
            found[(loc["path"], int(loc["line"]))] = f["rule"]
    return set(found), wall, found


def run_detect_secrets(root: Path) -> tuple[set[tuple[str, int]], float]:
    start = time.perf_counter()
    proc = subprocess.run(["detect-secrets", "scan"], capture_output=True, text=True, cwd=root)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"detect-secrets failed: {proc.stderr}")
    results = json.loads(proc.stdout)["results"]
    return {
        (path, int(item["line_number"])) for path, items in results.items() for item in items
    }, wall


@dataclass
class Score:
    name: str
    found: set[tuple[str, int]]
    wall: float

    def tp(self, corpus: Corpus) -> int:
        return len(self.found & corpus.planted.keys())

    def fp(self, corpus: Corpus) -> int:
        return len(self.found - corpus.planted.keys())

    def precision(self, corpus: Corpus) -> float:
        return self.tp(corpus) / max(1, len(self.found))

    def recall(self, corpus: Corpus) -> float:
        return self.tp(corpus) / max(1, len(corpus.planted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--planted", type=int, default=360)
    parser.add_argument("--decoys", type=int, default=1200)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    parser.add_argument("--runs", type=int, default=3, help="best of N for the wall times")
    args = parser.parse_args()
    corpus = build(args.seed, args.planted, args.decoys)
    tmp = None
    if args.keep:
        root = args.keep
        if root.exists():
            shutil.rmtree(root)
    else:
        tmp = tempfile.mkdtemp(prefix="launchgate-accuracy-")
        root = Path(tmp) / "repo"
    try:
        write_repo(corpus, root)
        n_lines = sum(len(v) for v in corpus.files.values())
        print(
            f"corpus: {len(corpus.files)} files, {n_lines:,} lines, {len(corpus.planted)} planted "
            f"secrets ({len(set(corpus.planted.values()))} rules), "
            f"{len(corpus.decoys)} decoy lines "
            f"({len(set(corpus.decoys.values()))} categories), seed {args.seed}"
        )
        lg_found, lg_wall, lg_rules = run_launchgate(root, history=False)
        lg_wall = min([lg_wall] + [run_launchgate(root, False)[1] for _ in range(args.runs - 1)])
        lg_full_wall = min(run_launchgate(root, history=True)[1] for _ in range(args.runs))
        ds_found, ds_wall = run_detect_secrets(root)
        ds_wall = min([ds_wall] + [run_detect_secrets(root)[1] for _ in range(args.runs - 1)])
        scores = [
            Score("launchgate", lg_found, lg_wall),
            Score("detect-secrets", ds_found, ds_wall),
        ]
        print()
        print(
            f"{'scanner':<16}{'reported':>9}{'TP':>6}{'FP':>6}"
            f"{'precision':>11}{'recall':>8}{'wall s':>9}"
        )
        for s in scores:
            print(
                f"{s.name:<16}{len(s.found):>9}{s.tp(corpus):>6}{s.fp(corpus):>6}"
                f"{s.precision(corpus):>11.3f}{s.recall(corpus):>8.3f}{s.wall:>9.2f}"
            )
        print(
            f"(launchgate default scope, tree + history of this 1-commit repo: "
            f"{lg_full_wall:.2f} s)"
        )
        for s in scores:
            by_cat = collections.Counter(
                corpus.decoys.get(loc, "other (filler/unlabelled)")
                for loc in s.found - corpus.planted.keys()
            )
            print(f"\nfalse positives of {s.name} by decoy category:")
            for cat, n in by_cat.most_common():
                print(f"  {n:5}  {cat}")
        print(
            "\nmisses by rule (planted rule: launchgate missed / detect-secrets missed / planted):"
        )
        per_rule: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
        for loc, rule in corpus.planted.items():
            per_rule[rule][2] += 1
            per_rule[rule][0] += loc not in lg_found
            per_rule[rule][1] += loc not in ds_found
        for rule, (lg_miss, ds_miss, n) in sorted(per_rule.items()):
            if lg_miss or ds_miss:
                mark = "  <-- launchgate" if lg_miss else ""
                print(f"  {rule:<40}{lg_miss:>3} / {ds_miss:>3} / {n:>3}{mark}")
        wrong_rule = [
            (loc, corpus.planted[loc], lg_rules[loc])
            for loc in lg_found & corpus.planted.keys()
            if lg_rules[loc] != corpus.planted[loc]
        ]
        if wrong_rule:
            print(f"\nfound under another rule ({len(wrong_rule)}), e.g.:")
            for loc, want, got in wrong_rule[:10]:
                print(f"  {loc[0]}:{loc[1]}  planted {want}, reported {got}")
        if os.environ.get("ACCURACY_DEBUG"):
            for loc in sorted(lg_found - corpus.planted.keys()):
                print("FP", loc, lg_rules[loc], corpus.files[loc[0]][loc[1] - 1][:160])
            for loc in sorted(corpus.planted.keys() - lg_found):
                print("FN", loc, corpus.planted[loc], corpus.files[loc[0]][loc[1] - 1][:160])
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
