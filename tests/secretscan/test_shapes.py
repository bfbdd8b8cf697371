"""Named value checks (validators and proofs) and the rule that proof beats placeholder words."""

from __future__ import annotations

import base64
import binascii
import random
import string

import pytest

from launchgate.secretscan import shapes
from launchgate.secretscan.detector import Detector
from launchgate.secretscan.rules import load_rules

DETECTOR = Detector(load_rules())
ALNUM = string.ascii_letters + string.digits
WORDS = ["fake", "sample", "dummy", "example", "placeholder", "redacted", "changeme"]


def github_token(body30: str, prefix: str = "ghp_") -> str:
    return prefix + body30 + shapes.base62(binascii.crc32(body30.encode()), 6)


def random_case(word: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c for c in word)


def with_word(rng: random.Random, length: int) -> str:
    """Random alphanumerics of ``length`` with a placeholder word (random case) inside."""
    word = random_case(rng.choice(WORDS), rng)
    body = "".join(rng.choice(ALNUM) for _ in range(length - len(word)))
    at = rng.randrange(len(body) + 1)
    return body[:at] + word + body[at:]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_base62_and_github_checksum_known_values():
    assert shapes.base62(0, 6) == "000000"
    assert shapes.base62(61, 2) == "0z"
    assert shapes.base62(62, 1) == "10"
    token = github_token("Zr8kQ2mP4xW7nB1vC9tY6uH3jL5sD0")
    assert shapes.github_crc32(token)
    assert not shapes.github_crc32(token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert not shapes.github_crc32("ghp_" + "a" * 35)
    assert shapes.github_crc32(github_token("Zr8kQ2mP4xW7nB1vC9tY6uH3jL5sD0", "npm_"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b64("deploy:Vt3kQ9xLm2Rw"), True),
        (b64("deploy:"), False),  # no password
        (b64(":Vt3kQ9xLm2Rw"), False),  # no user
        (b64("deploy:${PASSWORD}"), False),
        (b64("deploy:password"), False),
        (b64("just-a-token-no-colon"), False),
        ("not base64 at all!", False),
        (base64.b64encode(b"\xff\xfe:\x00abc").decode(), False),
    ],
)
def test_base64_credentials(value: str, expected: bool):
    assert shapes.base64_credentials(value) is expected


def test_base64_credentials_or_password_accepts_a_bare_password():
    assert shapes.base64_credentials_or_password(b64("Vt3kQ9xLm2Rw"))
    assert not shapes.base64_credentials_or_password(b64("xx"))
    assert shapes.base64_credentials_or_password(b64("u:Vt3kQ9xLm2Rw"))
    assert not shapes.base64_credentials_or_password(b64("u:"))


@pytest.mark.parametrize("value", sorted(shapes.EMPTY_HASHES))
def test_hashes_of_the_empty_string_are_not_password_hashes(value: str):
    assert not shapes.not_empty_hash(value)
    assert not shapes.not_empty_hash("{SHA}" + value)
    assert shapes.not_empty_hash("{SHA}Vt3kQ9xLm2RwZX1UgMEax9gRSq0=")


def test_length_proof_and_unknown_names():
    assert shapes.proof("length>=12")("Zr8kQ2mP4xW7")
    assert not shapes.proof("length>=12")("Zr8kQ2mP4xW")
    with pytest.raises(ValueError, match="unknown proof"):
        shapes.proof("crc64")
    with pytest.raises(ValueError, match="unknown validate"):
        shapes.validator("nope")


def _rules(line: str) -> list[str]:
    return [h.rule for h in DETECTOR.scan(line, "app/config.py")[0]]


def test_sweep_real_github_tokens_are_never_dropped_for_a_word_inside():
    """Seeded sweep: 3,000 checksum-valid ghp_ tokens, each with a placeholder word (random
    case) in its random part, are all found; the same tokens with a broken checksum are not."""
    rng = random.Random(20261129)
    dropped_when_broken = 0
    for _ in range(3000):
        body = with_word(rng, 30)
        token = github_token(body, rng.choice(["ghp_", "gho_", "ghs_", "ghu_", "ghr_"]))
        assert _rules(f'GITHUB_TOKEN="{token}"') == ["secrets.github-token"], token
        broken = token[:-6] + ("000000" if token[-6:] != "000000" else "000001")
        dropped_when_broken += _rules(f'GITHUB_TOKEN="{broken}"') == []
    assert dropped_when_broken == 3000  # unproven: the placeholder word still decides


def test_sweep_long_stripe_keys_are_never_dropped_for_a_word_inside():
    rng = random.Random(7)
    for _ in range(3000):
        key = "sk_live_" + with_word(rng, 99)
        assert _rules(f"STRIPE_SECRET_KEY={key}") == ["secrets.stripe-secret-key"], key
    # A short key with a placeholder word is not proven by its length: still a placeholder.
    assert _rules("STRIPE_SECRET_KEY=sk_live_FakeKeyForTheDocs0123") == []


def test_sweep_random_tokens_are_all_found():
    """No random token of either shape is silently accepted (the 1-in-22,000 miss)."""
    rng = random.Random(42)
    for _ in range(4000):
        body = "".join(rng.choice(ALNUM) for _ in range(30))
        assert _rules(f"t = '{github_token(body)}'") == ["secrets.github-token"]
        key = "sk_live_" + "".join(rng.choice(ALNUM) for _ in range(99))
        assert _rules(f"k = '{key}'") == ["secrets.stripe-secret-key"]


def test_documented_example_keys_are_still_allowed_whatever_their_shape():
    assert _rules("token = ghp_16C7e42F292c6912E7710c838347Ae178B4a") == []


def test_length_proof_needs_a_random_looking_value():
    assert shapes.proof("length>=10")("Zr8kQ2mP4xW7nB1v")
    assert not shapes.proof("length>=10")("x" * 99)
    assert not shapes.proof("length>=10")("0" * 99)
    assert _rules("STRIPE_SECRET_KEY=sk_live_" + "x" * 99) == []


def test_wordpress_salt_with_template_like_characters_is_found():
    salt = "zZu;tdbXs?(h_WGqk7:Mbe*h&qfJp3lyd@.qJy/5" + "XQ,IH;.FFh{{wS2~-.^hT)0*"
    line = "define( 'AUTH_KEY', '" + salt + "' );"
    assert _rules(line) == ["secrets.config-php-define"]
