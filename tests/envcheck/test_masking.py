"""What the check registers for ``::add-mask::``."""

from __future__ import annotations

from launchgate.checkapi import Masker
from launchgate.envcheck.masking import looks_keylike, mask_value, url_password


def masked(value: str, secret: bool) -> set[str]:
    masker = Masker()
    mask_value(masker, value, secret)
    return masker.values


def test_secret_names_url_passwords_and_keylike_values_are_masked() -> None:
    assert masked("plain-secret-value", secret=True) == {"plain-secret-value"}
    assert masked("https://www.bookly.io", secret=False) == set()
    assert masked("info", secret=False) == set()
    url = "postgres://app:p%40ssw0rd!@db.bookly.io/app"
    assert masked(url, secret=False) == {url, "p%40ssw0rd!", "p@ssw0rd!"}
    assert masked("AKIAIOSFODNN7EXAMPLE12", secret=False) == {"AKIAIOSFODNN7EXAMPLE12"}
    assert masked("9f8e7d6c5b4a3928171605f4e3d2c1b0", secret=False)


def test_undecodable_values_are_masked_by_their_printable_runs() -> None:
    values = masked("ab1d\udcffef2h\udc80ij", secret=True)
    assert values == {"ab1d", "ef2h"}  # "ij" is too short to mask, and never printed anyway
    assert all(v.encode("utf-8") for v in values)


def test_helpers() -> None:
    assert url_password("redis://:hunter22@cache:6379") == "hunter22"  # pragma: allowlist secret
    assert url_password("https://user@host") is None
    assert url_password("http://[::1") is None
    assert not looks_keylike("this is a sentence with words 123")
    assert not looks_keylike("https://a.io/abcdefghijklmnop1234")


def test_words_public_keys_and_placeholders_are_not_masked() -> None:
    """Masking "admin" would turn every "admin" in the job's log into ***."""
    assert masked("admin", secret=True) == set()
    assert masked("changeme", secret=True) == set()
    public = "pk_live_51H8aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    assert masked(public, secret=True) == set()
    assert masked("admin-9f8e7d", secret=True) == {"admin-9f8e7d"}


def test_a_url_password_is_masked_only_when_it_is_not_a_placeholder() -> None:
    def placeholder(text: str) -> bool:
        return text in ("changeme", "<password>")

    def url(password: str) -> str:
        return f"postgres://admin:{password}@db/app"

    for password in ("changeme", "%3Cpassword%3E"):
        masker = Masker()
        mask_value(masker, url(password), False, placeholder)
        assert masker.values == set(), password
    masker = Masker()
    mask_value(masker, url("Vq7-real-Pw"), False, placeholder)
    assert masker.values == {url("Vq7-real-Pw"), "Vq7-real-Pw"}
    masker = Masker()
    mask_value(masker, "<password>", True, placeholder)
    assert masker.values == set()
