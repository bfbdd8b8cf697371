"""The audit page in a real browser (Debian's chromium, headless) at phone and desktop widths.

Layout is measured inside the browser (the page in a same-origin srcdoc frame of the exact
width, read by a script in the outer page, dumped with --dump-dom); screenshots at both widths
are saved under the test's temporary directory, recorded as JUnit test-suite properties, and
copied to $LAUNCHGATE_TEST_ARTIFACTS when set (CI uploads that folder).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from launchgate.deliver.audit import build_audit
from launchgate.deliver.evidence import load_evidence
from launchgate.deliver.html import render_html
from launchgate.deliver.knowledge import builtin_pack
from tests.deliver.conftest import MANIFEST, OPERATIONS
from tests.deliver.png import Png

PHONE, DESKTOP = 375, 1280
HEIGHT = 1000
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
]
NO_GO_RED = (0xB4, 0x23, 0x18)

MEASURE = """
window.addEventListener('load', function () {
  var out = {};
  [].forEach.call(document.querySelectorAll('iframe'), function (frame) {
    var d = frame.contentDocument, e = d.documentElement, w = d.defaultView;
    var verdict = d.getElementById('verdict').getBoundingClientRect();
    var beyond = [].filter.call(d.querySelectorAll('body *'), function (n) {
      return n.getBoundingClientRect().right > e.clientWidth + 0.5;
    }).map(function (n) { return n.tagName + '.' + n.className; });
    out[frame.id] = {scrollWidth: e.scrollWidth, clientWidth: e.clientWidth,
      innerWidth: w.innerWidth, verdictTop: verdict.top, verdictLeft: verdict.left,
      verdictHeight: verdict.height,
      beyond: beyond, fontSize: parseFloat(w.getComputedStyle(d.body).fontSize),
      mainWidth: d.querySelector('main').getBoundingClientRect().width,
      risks: d.querySelectorAll('section.risk').length};
  });
  document.body.setAttribute('data-measure', JSON.stringify(out));
});
"""


def _chromium() -> str:
    found = next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )
    if found is None:
        pytest.fail("chromium is not installed: apt-get install -y chromium (.ci/run does this)")
    return found


def _page(tmp_path: Path, all_reports: list[Path]) -> str:
    import yaml

    data = yaml.safe_load(MANIFEST + OPERATIONS)
    audit = build_audit(data, load_evidence(all_reports), builtin_pack())
    return render_html(audit)


def _browser(binary: str, profile: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={profile}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


def _attach(record_testsuite_property: Any, name: str, path: Path) -> None:
    record_testsuite_property(name, str(path))
    target = os.environ.get("LAUNCHGATE_TEST_ARTIFACTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)


def test_audit_page_fits_phone_and_desktop(
    tmp_path: Path, all_reports: list[Path], record_testsuite_property: Any
) -> None:
    binary = _chromium()
    page = _page(tmp_path, all_reports)
    (tmp_path / "audit.html").write_text(page)
    running = {}
    for width in (PHONE, DESKTOP):
        wrapper = tmp_path / f"measure-{width}.html"
        wrapper.write_text(
            "<!DOCTYPE html><html><body style='margin:0'>"
            f'<iframe id="page" style="border:0;display:block;width:{width}px;height:{HEIGHT}px" '
            f'srcdoc="{html.escape(page, quote=True)}"></iframe>'
            f"<script>{MEASURE}</script></body></html>"
        )
        # One browser per width both measures (--dump-dom) and takes the screenshot.
        running[width] = _browser(
            binary,
            tmp_path / f"profile-{width}",
            f"--window-size={width},{HEIGHT}",
            f"--screenshot={tmp_path / f'audit-{width}px.png'}",
            "--dump-dom",
            wrapper.as_uri(),
        )
    try:
        for width, proc in running.items():
            out = proc.communicate(timeout=120)[0]
            assert proc.returncode == 0
            match = re.search(rb'data-measure="([^"]*)"', out)
            assert match, "the measuring script did not run"
            m = json.loads(html.unescape(match.group(1).decode()))["page"]
            assert m["innerWidth"] == width
            assert m["scrollWidth"] <= m["clientWidth"], f"horizontal overflow at {width}px"
            assert m["beyond"] == [], f"elements wider than {width}px: {m['beyond']}"
            assert m["fontSize"] >= 16  # readable without zooming
            assert 0 < m["verdictTop"] < 120  # the verdict is the first thing on screen
            assert m["risks"] == 21
            assert m["mainWidth"] <= 860  # lines stay readable on a wide screen

            shot = tmp_path / f"audit-{width}px.png"
            _attach(record_testsuite_property, f"screenshot-{width}px", shot)
            png = Png(shot)
            assert (png.width, png.height) == (width, HEIGHT)
            x = round(m["verdictLeft"]) + 6
            y = round(m["verdictTop"] + m["verdictHeight"] / 2)
            # the NO-GO banner is painted red where the DOM says it is, and only there
            assert png.pixel(x, y) == NO_GO_RED
            assert png.pixel(x, round(m["verdictTop"] + m["verdictHeight"]) + 30) != NO_GO_RED
    finally:
        for proc in running.values():  # a failed assertion must not leave a browser behind
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


def test_page_is_self_contained(tmp_path: Path, all_reports: list[Path]) -> None:
    page = _page(tmp_path, all_reports)
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script" not in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
