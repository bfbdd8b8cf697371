"""Format rules pinned one by one, each with the exact reason a user reads: the boundaries and
branches that a one-word change in envcheck/formats.py would move."""

from __future__ import annotations

import pytest

from launchgate.envcheck.formats import FormatRules, Verdict, validate_value

PLAIN = FormatRules()


def reason(value: str, fmt: str, rules: FormatRules = PLAIN) -> str:
    verdict = validate_value(value, fmt, rules)
    assert not verdict.ok, (fmt, value)
    return verdict.reason


def ok(value: str, fmt: str, rules: FormatRules = PLAIN) -> bool:
    return validate_value(value, fmt, rules) == Verdict(True)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("ops@bad..example.com", "the hostname has an empty label"),
        ("ops@-bad.example.com", "a hostname label has characters other than"),
        ("ops@bad-.example.com", "a hostname label has characters other than"),
        ("ops@ex!ample.com", "a hostname label has characters other than"),
        ("ops@" + "x" * 64 + ".com", "a hostname label is longer than 63 characters"),
        ("ops@" + "a." * 127 + "io", "the hostname is longer than 253 characters"),
        ("ops@[not-ip].com", "the bracketed host is not an IPv6 address"),
    ],
)
def test_the_email_domain_is_validated_as_a_hostname(value: str, why: str) -> None:
    assert reason(value, "email").startswith(f"email: in the domain, {why}")


@pytest.mark.parametrize("value", [".ops@example.com", "ops.@example.com", "o..ps@example.com"])
def test_the_part_before_the_at_may_not_start_end_or_double_a_dot(value: str) -> None:
    assert reason(value, "email") == (
        "email: the part before the @ has characters or dots not allowed there"
    )


def test_the_part_before_the_at_allows_inner_dots_and_rfc_5322_symbols_up_to_64() -> None:
    assert ok("o.p.s@example.com", "email")
    assert ok("a!#$%&'*+/=?^_`{|}~-z@example.com", "email")
    assert ok("x" * 64 + "@example.com", "email")
    assert "before the @" in reason("x" * 65 + "@example.com", "email")
    assert "before the @" in reason("a(b)@example.com", "email")


def test_an_email_needs_exactly_one_at_a_local_part_and_a_dotted_domain() -> None:
    assert reason("a@b@example.com", "email") == "email: expected exactly one @"
    assert reason("@example.com", "email") == "email: nothing before the @"
    assert reason("ops@localhost", "email") == "email: the domain after the @ has no dot"
    assert reason("ops@.a.com", "email").startswith("email: in the domain, the hostname has an")
    assert reason("ops@.", "email") == "email: the domain after the @ has no dot"
    assert ok("ops@example.com.", "email")
    assert ok("Ops Team <ops@example.com>", "email")
    assert ok("<ops@example.com>", "email")
    assert reason("Ops <o ps@example.com>", "email") == (
        "email: the address contains whitespace or control characters"
    )


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x1f", "\x7f", "\t", " "])
@pytest.mark.parametrize(
    ("fmt", "template"),
    [("url", "https://exa{}mple.com/"), ("email", "o{}ps@example.com"), ("hostname", "db{}.io")],
)
def test_nul_esc_del_and_other_controls_are_rejected(fmt: str, template: str, char: str) -> None:
    why = "the address contains" if fmt == "email" else "contains"
    assert reason(template.format(char), fmt) == f"{fmt}: {why} whitespace or control characters"


def test_printable_characters_next_to_the_control_range_are_not_controls() -> None:
    assert ok("https://example.com/~a", "url")  # 0x7e, just below DEL
    assert ok("https://example.com/!", "url")  # 0x21, just above space


def test_an_empty_port_after_the_colon_is_rejected() -> None:
    assert reason("https://example.com:/x", "url") == "url: the port after the colon is empty"
    assert reason("redis://h1:6379,h2:/0", "url") == "url: the port after the colon is empty"
    assert ok("https://example.com:443/x", "url")


def test_url_hosts_are_checked_after_the_credentials_and_for_every_listed_host() -> None:
    assert ok("postgres://us%40er@db.internal:5432/app", "url")
    assert reason("mongodb://h1:1,bad..h2:2/db", "url") == (
        "url: the hostname has an empty label (two dots in a row, or a leading dot)"
    )
    assert reason("https://[fe80::zz]/", "url").startswith("url: ")


def test_hostless_schemes_need_no_host_but_others_do() -> None:
    for value in ("file:///etc/x", "sqlite:///a.db", "unix:///run/a.sock", "mailto:a@b.io"):
        assert ok(value, "url"), value
    assert reason("https:///path", "url") == "url: has no host (expected scheme://host...)"
    assert reason("1http://a.io", "url") == "url: has no scheme (expected e.g. https://host/...)"
    assert reason("://a.io", "url") == "url: has no scheme (expected e.g. https://host/...)"


def test_allowed_schemes_compare_without_case() -> None:
    rules = FormatRules(schemes=("HTTPS",))
    assert ok("https://a.io", "url", rules)
    assert ok("HTTPS://a.io", "url", FormatRules(schemes=("https",)))
    assert reason("http://a.io", "url", rules) == (
        "url: the scheme is not allowed here (allowed: HTTPS)"
    )


def test_the_port_max_rule_narrows_the_range_but_never_widens_it() -> None:
    assert ok("1024", "port", FormatRules(max=1024))
    assert reason("1025", "port", FormatRules(max=1024)) == "port: above the maximum 1024"
    assert reason("65536", "port", FormatRules(max=70000)) == "port: above the maximum 65535"
    assert ok("65535", "port", FormatRules(max=70000))


def test_the_port_min_rule_narrows_the_range_but_never_widens_it() -> None:
    assert ok("1024", "port", FormatRules(min=1024))
    assert reason("1023", "port", FormatRules(min=1024)) == "port: below the minimum 1024"
    assert reason("0", "port", FormatRules(min=0)) == "port: below the minimum 1"
    assert ok("1", "port", FormatRules(min=0))


def test_a_signed_port_is_not_a_port() -> None:
    assert reason("+80", "port") == "port: not a whole number from 1 to 65535"
    assert reason("", "port") == "port: not a whole number from 1 to 65535"


def test_whole_numbers_have_at_most_30_digits_and_inclusive_bounds() -> None:
    assert ok("9" * 30, "int")
    assert reason("9" * 31, "int") == "int: has more than 30 digits"
    assert reason("-" + "9" * 31, "int") == "int: has more than 30 digits"
    assert ok("10", "int", FormatRules(min=10, max=10))
    assert reason("9", "int", FormatRules(min=10)) == "int: below the minimum 10"


def test_hostnames_are_at_most_253_characters_and_labels_at_most_63() -> None:
    assert ok("a" * 63 + ".io", "hostname")
    name = ".".join(["a" * 62] * 4) + ".i"  # 253 characters
    assert len(name) == 253 and ok(name, "hostname")
    assert ok(name + ".", "hostname")  # the root dot does not count
    assert reason(name + "o", "hostname") == (
        "hostname: the hostname is longer than 253 characters"
    )
    assert reason("", "hostname") == "hostname: the host is empty"
    assert reason(".io", "hostname").startswith("hostname: the hostname has an empty label")
    assert ok("[::1]", "hostname")


def test_base64_rules_name_the_exact_problem() -> None:
    assert reason("YWJjZA=x", "base64").startswith("base64: has characters outside")
    assert reason("YWJjZ", "base64") == (
        "base64: its length cannot be base64 (one character too many or too few)"
    )
    assert reason("YWI=YWI=", "base64").startswith("base64: has characters outside")
    assert reason("YQ===", "base64").startswith("base64: has characters outside")
    assert ok("YQ==", "base64")
    assert ok("-_8=", "base64")
    assert reason("-_+/", "base64").startswith("base64: has characters outside")


def test_a_bare_number_is_not_a_duration_but_units_with_spaces_are() -> None:
    assert reason(" 30 ", "duration").startswith("duration: a bare number has no unit")
    assert ok(" 1h 30m ", "duration")
    assert ok("1H", "duration")
    assert reason("P", "duration").startswith("duration: expected e.g.")
    assert reason("PT", "duration").startswith("duration: expected e.g.")


def test_json_reasons_say_where_the_parser_stopped() -> None:
    assert reason('{"a": }', "json") == "json: Expecting value at line 1 column 7"
    assert reason("1" * 5000, "json") == "json: contains a number too large to parse"


def test_enum_lists_the_allowed_values_and_pattern_and_min_length_apply_to_any_format() -> None:
    levels = FormatRules(values=("debug", "info"))
    assert reason("warn", "enum", levels) == "enum: not one of the allowed values: debug, info"
    assert reason("short", None, FormatRules(min_length=6)) == "shorter than the minimum length 6"
    assert ok("longer", None, FormatRules(min_length=6))
    assert reason("x", "colour") == (
        "unknown format 'colour'; expected one of: url, email, hostname, port, int, bool, enum, "
        "json, base64, duration, regex, string"
    )


def test_hostname_brackets_hold_only_an_ipv6_address_and_both_must_be_there() -> None:
    assert reason("[::1", "hostname") == "hostname: the bracketed host is not an IPv6 address"
    assert ok("[::ffff:192.0.2.1]", "hostname")
    assert reason("ok.-bad-.", "hostname").startswith("hostname: a hostname label has")
    bracketed_ipv4 = reason("[192.0.2.1]", "hostname")
    assert bracketed_ipv4 == "hostname: the bracketed host is not an IPv6 address"


def test_url_brackets_hold_only_an_ipv6_address() -> None:
    """urlsplit strips the brackets: a name or IPv4 inside them must not pass as a hostname."""
    assert ok("http://[::1]:8080/", "url")
    assert ok("https://[2001:db8::7]/", "url")
    # urlsplit accepts an IPvFuture literal and strips its brackets; it refuses the others.
    assert reason("https://[v1.x]/", "url") == "url: the bracketed host is not an IPv6 address"
    for value in ("https://[example.com]/", "http://[192.0.2.1]:80/"):
        assert reason(value, "url").startswith("url: cannot be parsed"), value


def test_a_url_without_a_host_before_the_port_is_rejected() -> None:
    assert reason("https://:8080/x", "url") == "url: the host is empty"
    assert reason("http://a:99999", "url") == (
        "url: the port is not a number from 0 to 65535, or the host brackets are malformed"
    )


def test_url_credentials_are_not_read_as_hosts() -> None:
    # Built at run time: a literal URL with a password would be a finding of our own gate.
    assert ok("postgres://u:" + "a,b" + "@db.internal/x", "url")


def test_url_schemes_allowed_are_listed_in_the_reason() -> None:
    rules = FormatRules(schemes=("http", "https"))
    assert reason("ftp://a.io", "url", rules) == (
        "url: the scheme is not allowed here (allowed: http, https)"
    )


def test_email_domains_in_capitals_are_domains() -> None:
    assert ok("OPS@MAIL.X", "email")


def test_base64_length_is_judged_without_the_padding() -> None:
    assert reason("YWJjX=", "base64") == (
        "base64: its length cannot be base64 (one character too many or too few)"
    )


def test_duration_and_enum_and_json_reasons_are_exact() -> None:
    assert reason("30", "duration") == (
        "duration: a bare number has no unit (write e.g. 30s, 5m, 1h30m or PT30S)"
    )
    assert reason("soon", "duration") == (
        "duration: expected e.g. 250ms, 30s, 5m, 1h30m, 2 days or ISO 8601 PT30S"
    )
    levels = FormatRules(values=("debug", "info"))
    assert reason("INFO", "enum", levels) == (
        "enum: not one of the allowed values: debug, info (differs only in case)"
    )
    assert reason("[" * 100_000, "json") == "json: nested too deeply to parse"


def test_an_unclosed_bracket_around_a_valid_address_is_still_refused() -> None:
    """``[::12`` holds ``::1`` between its first and last character: the bracket must close."""
    assert reason("[::12", "hostname") == "hostname: the bracketed host is not an IPv6 address"
