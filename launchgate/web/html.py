"""The subresources an HTML page makes a browser load (or submit to), as absolute URLs.

Parsed with the standard library's ``html.parser``: it is a real tokenizer (comments, CDATA in
scripts, unquoted attributes and broken markup are handled as browsers tokenize them), it adds
no compiled dependency to the image, and one page per route is far below where a faster parser
such as selectolax would matter. Regex scraping is what this replaces, not what it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# <link rel=preload as=...> values and what they load.
_PRELOAD_KINDS = {
    "font": "font",
    "style": "stylesheet",
    "script": "script",
    "image": "image",
    "fetch": "fetch",
}


@dataclass(frozen=True)
class Subresource:
    """One URL a page references. ``kind``: script, stylesheet, image, font, iframe, form,
    media, fetch. ``active`` kinds (script, stylesheet, font, iframe, form, fetch) are those
    whose mixed content browsers block; images and media are only downgraded."""

    kind: str
    url: str
    tag: str

    @property
    def active(self) -> bool:
        return self.kind in {"script", "stylesheet", "iframe", "form", "fetch", "font"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.found: list[tuple[str, str, str]] = []  # (kind, raw url, tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: (value or "").strip() for name, value in attrs}
        if tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"]
        elif tag == "script" and a.get("src"):
            self._add("script", a["src"], tag)
        elif tag == "link":
            self._link(a)
        elif tag in ("img", "source"):
            kind = "image" if tag == "img" else "media"
            if a.get("src"):
                self._add(kind, a["src"], tag)
            for candidate in _srcset(a.get("srcset", "")):
                self._add(kind, candidate, tag)
        elif tag in ("video", "audio") and a.get("src"):
            self._add("media", a["src"], tag)
        elif tag == "iframe" and a.get("src"):
            self._add("iframe", a["src"], tag)
        elif tag == "form" and a.get("action"):
            self._add("form", a["action"], tag)

    def _link(self, a: dict[str, str]) -> None:
        rel = a.get("rel", "").lower().split()
        href = a.get("href")
        if not href:
            return
        if "stylesheet" in rel:
            self._add("stylesheet", href, "link")
        elif "preload" in rel or "modulepreload" in rel:
            kind = "script" if "modulepreload" in rel else _PRELOAD_KINDS.get(a.get("as", ""))
            if kind:
                self._add(kind, href, "link")
        elif "icon" in rel:
            self._add("image", href, "link")

    def _add(self, kind: str, raw: str, tag: str) -> None:
        self.found.append((kind, raw, tag))


def _srcset(value: str) -> list[str]:
    """URLs of a ``srcset`` (``a.png 1x, b.png 2x``)."""
    return [part.split()[0] for part in value.split(",") if part.strip()]


def extract_subresources(html: str, page_url: str) -> list[Subresource]:
    """Every subresource of ``html`` resolved against ``page_url`` (and ``<base href>``),
    without duplicates, in document order. Only http(s) URLs are kept: ``data:``,
    ``javascript:``, ``about:`` and bare fragments load nothing from the network."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    base = urljoin(page_url, collector.base) if collector.base else page_url
    seen: set[tuple[str, str]] = set()
    out: list[Subresource] = []
    for kind, raw, tag in collector.found:
        if raw.startswith("#"):
            continue
        url = urljoin(base, raw)
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            continue
        url = parts._replace(fragment="").geturl()
        if (kind, url) not in seen:
            seen.add((kind, url))
            out.append(Subresource(kind=kind, url=url, tag=tag))
    return out
