from hypothesis import given
from hypothesis import strategies as st

from launchgate.redact import redact, scrub, value_hash


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
