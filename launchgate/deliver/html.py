"""The audit as one self-contained HTML page that reads well on a phone.

No external assets (inline CSS, no scripts, no fonts or images; a Content-Security-Policy that
forbids loading anything), so the file can be mailed, attached to a CI run or opened offline.
Every piece of text is HTML-escaped; long URLs and paths wrap instead of widening the page.
"""

from __future__ import annotations

from html import escape

from launchgate.deliver.audit import Audit
from launchgate.deliver.render import EVIDENCE_LIMIT, SEVERITY_WORDS, one_line, origin
from launchgate.deliver.risks import Risk

_CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;
background:#f4f5f7}
main{max-width:860px;margin:0 auto;padding:16px}
h1{font-size:1.35rem;margin:.2em 0 .6em}
h2{font-size:1.05rem;margin:0 0 .4em;overflow-wrap:anywhere}
.verdict{border-radius:10px;padding:14px 16px;font-weight:700;font-size:1.1rem;color:#fff;
overflow-wrap:anywhere}
.go{background:#1a7f37}.nogo{background:#b42318}
.meta{color:#57606a;font-size:.9rem;margin:.5em 0 1.2em}
.risk{background:#fff;border-radius:10px;padding:14px 16px;margin:0 0 12px;
border-left:6px solid #8c959f;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.risk.blocker{border-left-color:#b42318}.risk.high{border-left-color:#d1242f}
.risk.medium{border-left-color:#bf8700}.risk.low{border-left-color:#0969da}
.tag{display:inline-block;font-size:.75rem;font-weight:700;letter-spacing:.03em;border-radius:4px;
padding:1px 6px;margin-right:6px;background:#eaeef2;color:#1b1f24}
.blocker .tag.sev,.high .tag.sev{background:#ffebe9;color:#a40e26}
.medium .tag.sev{background:#fff8c5;color:#7d4e00}
p{margin:.35em 0}
ul{margin:.3em 0;padding-left:1.2em}
li{overflow-wrap:anywhere;font-size:.92rem}
.label{font-weight:600}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:10px;overflow:hidden;
font-size:.92rem}
td,th{padding:8px 10px;text-align:left;border-bottom:1px solid #eaeef2;overflow-wrap:anywhere}
"""


def _risk(number: int, risk: Risk) -> str:
    sev = risk.severity.value
    evidence = "".join(f"<li>{escape(one_line(e, EVIDENCE_LIMIT))}</li>" for e in risk.evidence)
    fixes = "".join(f"<li>{escape(one_line(f, EVIDENCE_LIMIT))}</li>" for f in risk.fixes)
    return (
        f'<section class="risk {sev}" id="risk-{number}">'
        f'<p><span class="tag sev">{SEVERITY_WORDS[sev]}</span>'
        f'<span class="tag">effort: {escape(risk.effort)}</span></p>'
        f"<h2>{number}. {escape(one_line(risk.title))}</h2>"
        f'<p><span class="label">What customers see:</span> {escape(risk.impact)}</p>'
        f'<p class="label">Evidence ({escape(one_line(origin(risk)))})</p>'
        f"<ul>{evidence or '<li>(none recorded)</li>'}</ul>"
        f'<p class="label">Fix</p><ul>{fixes}</ul>'
        "</section>"
    )


def render_html(audit: Audit) -> str:
    verdict_class = "go" if audit.go else "nogo"
    rows = "".join(
        f"<tr><td>{escape(c.id)}</td><td>{escape(c.status)}</td>"
        f"<td>{escape(one_line(c.error or c.summary))}</td></tr>"
        for c in audit.checks
    ) + "".join(
        f"<tr><td>{escape(name)}</td><td>not run</td><td>no report from this check</td></tr>"
        for name in audit.not_run
    )
    risks = "".join(_risk(n, r) for n, r in enumerate(audit.risks, 1))
    title = f"Launch audit: {audit.project}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n"
        f"<body><main><h1>{escape(title)}</h1>"
        f'<div class="verdict {verdict_class}" id="verdict">{escape(audit.verdict)}</div>'
        f'<p class="meta">Gate threshold: {escape(audit.fail_on.value)}. '
        f"{len(audit.risks)} risks, ranked by launch impact; related findings are grouped.</p>"
        f"{risks}"
        "<h2>Checks</h2>"
        f"<table><thead><tr><th>Check</th><th>Status</th><th>Summary</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        "</main></body></html>\n"
    )
