import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from launchgate.redact import Scrubber, redact, scrub, value_hash


def test_forms_by_length() -> None:
    assert redact("hunter2") == "…(7 chars)"
    assert redact("a" * 20 + "wxyz") == "…wxyz"
    assert redact("ghp_" + "A" * 32 + "xY12") == "ghp_…xY12"


@given(st.text(min_size=1, max_size=200))
def test_never_shows_more_than_a_quarter(value: str) -> None:
    shown = redact(value).replace("…", "")
    visible = len(shown) if not shown.startswith("(") else 0
    assert visible <= len(value) // 4


def test_scrub_and_hash() -> None:
    assert scrub("a secret-value b", ["secret-value"]) == "a *** b"
    assert value_hash("x") == value_hash("x") != value_hash("y")


def test_redaction_boundaries_are_exactly_16_and_32_characters() -> None:
    assert redact("a" * 15) == "…(15 chars)"
    assert redact("b" * 12 + "wxyz") == "…wxyz"
    assert redact("c" * 27 + "wxyz") == "…wxyz"
    assert redact("ghp_" + "d" * 24 + "wxyz") == "ghp_…wxyz"
    assert redact("") == "…(0 chars)"


def test_scrub_replaces_longer_values_first_so_no_part_of_a_url_shows() -> None:
    masked = "zebra-battery-staple"  # sorts after the URL: only length puts the URL first
    url = "postgres://app:" + masked + "@db.internal:5432/app"
    text = f"DATABASE_URL={url} and again {masked}"
    # Whatever order the values come in, the whole URL becomes one ***: never the URL with only
    # its password starred, which would show the user, host and database.
    assert scrub(text, [masked, url]) == "DATABASE_URL=*** and again ***"
    assert scrub(text, iter([url, masked])) == "DATABASE_URL=*** and again ***"


def test_scrub_replaces_every_occurrence_and_ignores_empty_values() -> None:
    assert scrub("k k k", ["k", ""]) == "*** *** ***"
    assert scrub("nothing here", ["absent"]) == "nothing here"


def test_value_hash_is_a_known_hmac_sha256_so_baselines_stay_valid() -> None:
    # Baseline files store these hashes: changing the key or the digest unaccepts every entry.
    assert value_hash("hunter2-super-secret") == (
        "2d152ca4b7decafd0aa55331795692fd3c9a8d77980694a13f4cfdca7fa288fa"
    )
    assert value_hash("x", b"k") == (
        "c38edc8815c8489f64738978f44008f8596345545f0baa68ef6fcf5c53e57189"
    )


def test_value_hash_of_undecodable_bytes_is_the_hmac_of_those_bytes() -> None:
    # Values read with surrogateescape (undecodable bytes in a file) must hash, not crash.
    value = b"pa\xffss".decode("utf-8", "surrogateescape")
    expected = hmac.new(b"launchgate", b"pa\xffss", hashlib.sha256).hexdigest()
    assert value_hash(value) == expected


def test_scrub_leaves_no_part_of_overlapping_values_visible() -> None:
    # Longest-first replacement used to leave "xx" of the second value in place.
    assert scrub("key xxabcdefgh end", ["abcdefgh", "xxabcd"]) == "key *** end"
    assert scrub("abcd1234 abcd1234wxyz", ["abcd1234", "1234wxyz"]) == "*** ***"
    assert scrub("at the start: s3cr3t-value", ["s3cr3t-value", "zzzz"]) == "at the start: ***"
    assert scrub("s3cr3t-value at 0", ["s3cr3t-value"]) == "*** at 0"


def test_one_scrubber_serves_many_texts_and_many_values() -> None:
    values = [f"token-{i:05d}-value" for i in range(5000)]
    scrubber = Scrubber(values)
    assert scrubber("a token-04999-value and token-00000-value.") == "a *** and ***."
    assert scrubber("token-0499 is not one") == "token-0499 is not one"
    assert not Scrubber([]) and Scrubber([]).__call__("text") == "text"
    assert scrub("ab ab", ["ab"]) == "*** ***"  # values shorter than the 4-character head


def test_a_scrubber_masks_the_longest_value_and_joins_adjacent_runs() -> None:
    """Longest first, or the tail of a longer secret shows; two values side by side are one run."""
    assert Scrubber(["abcdefgh"])
    assert scrub("abcdefghij!", ["abcdefgh", "abcdefghij"]) == "***!"
    assert scrub("x-abcdefgh-x", ["abcdefgh", "abcd"]) == "x-***-x"
    assert scrub("xabcdefghijklmnopx", ["abcdefgh", "ijklmnop"]) == "x***x"
