"""Secrets behind client-exposed prefixes: blockers from values and names, reads from code."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from launchgate.checkapi import CheckError
from launchgate.envcheck.exposure import (
    EXPOSED,
    EXPOSED_READ,
    load_exposure,
    parse_exposure,
    secret_in_value,
)
from launchgate.findings import Severity

from .conftest import Runner, write_project

_RNG = random.Random(1129)
_ALNUM = string.ascii_letters + string.digits


def rand(n: int) -> str:
    return "".join(_RNG.choice(_ALNUM) for _ in range(n))


STRIPE = "sk" + "_live_" + rand(99)
OPENAI = "sk-proj-" + rand(40) + "T3Blbk" + "FJ" + rand(40)
PUBLISHABLE = "pk" + "_live_" + rand(99)
FIREBASE = "AIza" + rand(35)

MANIFEST = """\
version: 1
environments:
  production: {env_files: [.env.production]}
env:
  sources: []
  required:
    - {name: APP_URL, format: url}
"""

PRODUCTION = f"""\
APP_URL=https://acme.io
NEXT_PUBLIC_STRIPE_SECRET_KEY={STRIPE}
VITE_OPENAI_API_KEY={OPENAI}
NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY={PUBLISHABLE}
NEXT_PUBLIC_FIREBASE_API_KEY={FIREBASE}
REACT_APP_DB_PASSWORD=
STRIPE_SECRET_KEY={STRIPE}
"""

CODE = {
    "web/pay.ts": "export const k = process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY;\n",
    "web/map.ts": "export const m = import.meta.env.VITE_MAPBOX_TOKEN;\n",
}


@pytest.fixture
def result(tmp_path: Path, run_check: Runner):
    write_project(tmp_path, MANIFEST, files=CODE)
    (tmp_path / ".env.production").write_text(PRODUCTION)
    return run_check(tmp_path)


def test_secret_values_and_secret_names_behind_public_prefixes_are_blockers(result):
    found, _ctx = result
    exposed = {f.title.split()[0]: f for f in found.findings if f.rule == EXPOSED}
    assert set(exposed) == {
        "NEXT_PUBLIC_STRIPE_SECRET_KEY",
        "VITE_OPENAI_API_KEY",
        "REACT_APP_DB_PASSWORD",
    }
    assert exposed["NEXT_PUBLIC_STRIPE_SECRET_KEY"].severity is Severity.BLOCKER
    assert exposed["VITE_OPENAI_API_KEY"].severity is Severity.BLOCKER
    assert exposed["VITE_OPENAI_API_KEY"].details["by_value"] is True
    assert "Vite" in exposed["VITE_OPENAI_API_KEY"].message
    assert exposed["REACT_APP_DB_PASSWORD"].severity is Severity.HIGH  # empty: named, no value
    assert exposed["NEXT_PUBLIC_STRIPE_SECRET_KEY"].location.path == ".env.production"
    assert exposed["NEXT_PUBLIC_STRIPE_SECRET_KEY"].location.line == 2


def test_values_never_appear_and_are_masked(result):
    found, ctx = result
    text = " ".join(f"{f.title} {f.message} {f.remediation}" for f in found.findings)
    for value in (STRIPE, OPENAI):
        assert value not in text
        assert value in ctx.masker.values


def test_code_read_of_a_secret_name_is_reported(result):
    found, _ctx = result
    reads = [f for f in found.findings if f.rule == EXPOSED_READ]
    assert [(f.location.path, f.location.line, f.severity) for f in reads] == [
        ("web/pay.ts", 1, Severity.HIGH)
    ]
    assert "NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY" in reads[0].title


def test_public_by_design_values_are_not_secrets():
    assert secret_in_value("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", PUBLISHABLE) is None
    assert secret_in_value("NEXT_PUBLIC_FIREBASE_API_KEY", FIREBASE) is None
    assert secret_in_value("VITE_KEY", STRIPE) == "Stripe live secret key"


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("NEXT_PUBLIC_X_SECRET", "NEXT_PUBLIC_"),
        ("PUBLIC_X_SECRET", "PUBLIC_"),
        ("NUXT_PUBLIC_PRIVATE_KEY", "NUXT_PUBLIC_"),
        ("GATSBY_SERVICE_ROLE", "GATSBY_"),
        ("EXPO_PUBLIC_PASSWORD", "EXPO_PUBLIC_"),
    ],
)
def test_longest_prefix_wins(name: str, prefix: str):
    exposure = load_exposure()
    assert exposure.prefix_of(name) == (prefix, dict(exposure.prefixes)[prefix])
    assert exposure.secret_by_name(name)


def test_pack_examples_must_hold():
    data = {
        "kind": "env-client-exposure",
        "prefixes": [{"prefix": "VITE_", "framework": "Vite"}],
        "secret_words": ["SECRET"],
        "examples": {"exposed": ["VITE_TOKEN"]},
    }
    with pytest.raises(CheckError, match="VITE_TOKEN is not recognised"):
        parse_exposure(data)
    data["examples"] = {"safe": ["VITE_SECRET"]}
    with pytest.raises(CheckError, match="wrongly flagged"):
        parse_exposure(data)
    with pytest.raises(CheckError, match="prefix"):
        parse_exposure({**data, "prefixes": [{"prefix": "VITE"}]})
