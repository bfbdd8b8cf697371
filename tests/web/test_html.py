"""Subresource extraction: what a browser would load from a page, as absolute URLs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from launchgate.web.html import Subresource, extract_subresources

PAGE = "https://www.app.test/shop/index.html"


def _pairs(html: str, page: str = PAGE) -> list[tuple[str, str]]:
    return [(r.kind, r.url) for r in extract_subresources(html, page)]


def test_every_kind_of_subresource_is_found_and_resolved() -> None:
    html = """<!doctype html><html><head>
    <link rel="stylesheet" href="/static/app.css">
    <link rel="preload" as="font" href="fonts/a.woff2" crossorigin>
    <link rel="modulepreload" href="/static/mod.js">
    <link rel="icon" href="/favicon.ico">
    <link rel="canonical" href="https://www.app.test/shop/">
    <script src="https://cdn.test/lib.js"></script>
    <script>var s = '<script src="/not-real.js"></script>';</script>
    </head><body>
    <img src="img/logo.png" srcset="img/logo@2x.png 2x, img/logo@3x.png 3x">
    <iframe src="//video.test/embed"></iframe>
    <form action="http://www.app.test/login" method=post></form>
    <video src=/media/intro.mp4></video>
    <!-- <script src="/commented.js"></script> -->
    </body></html>"""
    assert _pairs(html) == [
        ("stylesheet", "https://www.app.test/static/app.css"),
        ("font", "https://www.app.test/shop/fonts/a.woff2"),
        ("script", "https://www.app.test/static/mod.js"),
        ("image", "https://www.app.test/favicon.ico"),
        ("script", "https://cdn.test/lib.js"),
        ("image", "https://www.app.test/shop/img/logo.png"),
        ("image", "https://www.app.test/shop/img/logo@2x.png"),
        ("image", "https://www.app.test/shop/img/logo@3x.png"),
        ("iframe", "https://video.test/embed"),
        ("form", "http://www.app.test/login"),
        ("media", "https://www.app.test/media/intro.mp4"),
    ]


def test_base_href_changes_resolution() -> None:
    html = '<base href="https://static.app.test/v2/"><script src="app.js"></script>'
    assert _pairs(html) == [("script", "https://static.app.test/v2/app.js")]


def test_inert_urls_fragments_and_duplicates_are_left_out() -> None:
    html = """<img src="data:image/png;base64,AAAA"><a href="/x">x</a>
    <iframe src="about:blank"></iframe><form action="javascript:void(0)"></form>
    <img src="#top"><script src="/a.js#v1"></script><script src="/a.js"></script>
    <form></form><form action=""></form>"""
    assert _pairs(html) == [("script", "https://www.app.test/a.js")]


def test_active_kinds_are_the_blockable_mixed_content() -> None:
    active = {k for k in ("script", "stylesheet", "iframe", "form", "font", "fetch")}
    for kind in ("script", "stylesheet", "iframe", "form", "font", "fetch", "image", "media"):
        assert Subresource(kind, "http://x.test/", "t").active is (kind in active)


def test_broken_markup_still_yields_what_is_readable() -> None:
    html = '<div><script src=/a.js><img src="/b.png"<link rel=stylesheet href=/c.css'
    pairs = _pairs(html)
    assert ("script", "https://www.app.test/a.js") in pairs


@given(st.text(max_size=300))
def test_never_crashes_and_only_returns_network_urls(html: str) -> None:
    for resource in extract_subresources(html, PAGE):
        assert resource.url.split(":", 1)[0] in ("http", "https")
