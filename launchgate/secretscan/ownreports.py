"""launchgate's own reports are never scanned: what one run writes is not the next run's input.

A report (``--report json:out/r.json``) may sit in a build-output directory or anywhere in the
tree; it holds only redacted forms, fingerprints and rule text, which generic rules would read as
new "secrets". Each machine format starts with a fixed head naming launchgate, so the first bytes
tell, wherever the file is and whatever it is called.
"""

from __future__ import annotations

import re

SNIFF_BYTES = 1024
_HEADS = (
    # JSON report: schema_version, then tool.name
    re.compile(rb'\A\s*\{\s*"schema_version":\s*\d+,\s*"tool":\s*\{\s*"name":\s*"launchgate"'),
    # SARIF: the schema, then runs[0].tool.driver.name
    re.compile(
        rb'\A\s*\{\s*"\$schema":\s*"[^"]*sarif[^"]*",\s*"version":\s*"[^"]*",\s*"runs":\s*\[\s*'
        rb'\{\s*"tool":\s*\{\s*"driver":\s*\{\s*"name":\s*"launchgate"'
    ),
    # JUnit XML
    re.compile(rb'\A(?:<\?xml[^>]*\?>\s*)?<testsuites name="launchgate"'),
    # The job summary (markdown)
    re.compile(rb"\A## [^\n]{0,16}launchgate: (?:GO|NO-GO|SKIPPED)\b"),
)


_FIRST = (b"{", b"<", b"#")  # what every head above starts with, after blanks


def is_own_report(data: bytes) -> bool:
    """True when ``data`` starts like a report launchgate wrote (asked of every file: most
    are told apart by their first non-blank byte, before any pattern runs)."""
    head = data[:SNIFF_BYTES]
    if head.lstrip()[:1] not in _FIRST:
        return False
    return any(pattern.match(head) for pattern in _HEADS)
