"""Reads found in real source trees, in several languages, with decoys that must not match."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from launchgate.envcheck.codescan import scan_tree
from launchgate.envcheck.codescan.javascript import javascript_reads
from launchgate.envcheck.codescan.python import python_reads
from launchgate.envcheck.codescan.ruby import ruby_reads
from launchgate.envcheck.codescan.workflows import workflow_reads

PY = '''\
import os
import os as operating
from os import environ, getenv as ge

# os.environ["PY_COMMENT"]
DOC = """os.getenv("PY_DOCSTRING")"""
S = 'os.environ.get("PY_STRING")'
F = f"{os.environ['PY_FSTRING']}"
A = os.environ["PY_SUBSCRIPT"]
B = os.environ.get("PY_GET_DEFAULT", "x")
C = os.getenv("PY_GETENV")
D = operating.getenv("PY_ALIAS")
E = environ["PY_FROM_IMPORT"]
G = ge("PY_GE", default=None)
if "PY_IN" in os.environ:
    pass
os.environ["PY_WRITE"] = "1"
H = os.environ[some_name]
I = other.environ["PY_OTHER_OBJECT"]
x = "\\d"  # an invalid escape: SyntaxWarning must not break the scan
'''

TS = """\
// process.env.JS_LINE_COMMENT
/* process.env.JS_BLOCK_COMMENT
   import.meta.env.JS_BLOCK_COMMENT2 */
const s = "process.env.JS_DQ_STRING";
const t = 'process.env["JS_SQ_STRING"]';
const tpl = `process.env.JS_TEMPLATE_TEXT ${process.env.JS_TEMPLATE_EXPR}
  ${`${process.env.JS_NESTED}`}`;
const re = /process.env.JS_REGEX/g;
const ratio = total / process.env.JS_AFTER_DIVISION / 2;
const a = process.env.JS_DOT;
const b = process.env["JS_BRACKET"] ?? "fallback";
const c = process.env?.JS_OPTIONAL || "x";
const d = import.meta.env.VITE_JS_META;
const mode = import.meta.env.MODE;
const { JS_DESTRUCT_A, JS_DESTRUCT_B = "d", JS_RENAMED: renamed, ...rest } = process.env;
process.env.JS_WRITE = "1";
const e = Deno.env.get("JS_DENO");
const f = window.process.env.JS_NOT_NODE;
"""

RB = """\
# ENV["RB_COMMENT"]
=begin
ENV["RB_BLOCK_COMMENT"]
=end
s = "ENV['RB_DQ_STRING']"
t = 'ENV["RB_SQ_STRING"]'
u = "#{ENV['RB_INTERPOLATED']}"
doc = <<~TEXT
  ENV["RB_HEREDOC"]
TEXT
q = %q(ENV["RB_PERCENT"])
r = /ENV\\["RB_REGEX"\\]/
a = ENV["RB_INDEX"]
b = ENV.fetch("RB_FETCH")
c = ENV.fetch("RB_FETCH_DEFAULT", "x")
d = ENV.fetch("RB_FETCH_BLOCK") { "y" }
e = ENV["RB_OR"] || "z"
f = ENV.key?("RB_KEY_Q")
ENV["RB_WRITE"] = "1"
"""

WORKFLOW = """\
name: deploy
# ${{ secrets.WF_YAML_COMMENT }}
on: push
env:
  WF_ENV: ${{ secrets.WF_SECRET }}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo start
          # Actions expands this before the shell sees the comment:
          echo ${{ secrets.WF_IN_RUN }}
          deploy --region ${{ vars.WF_VAR }}
      - uses: some/action@v1
        with:
          token: "${{ secrets['WF_BRACKET'] }}"   # ${{ secrets.WF_TRAILING_COMMENT }}
          text: "secrets.WF_OUTSIDE_EXPRESSION"
"""


def names(reads: list) -> set[str]:
    return {r.name for r in reads}


def test_python_reads_ignore_comments_strings_and_writes() -> None:
    reads = python_reads(PY, "app.py")
    assert names(reads) == {
        "PY_FSTRING", "PY_SUBSCRIPT", "PY_GET_DEFAULT", "PY_GETENV", "PY_ALIAS",
        "PY_FROM_IMPORT", "PY_GE", "PY_IN",
    }  # fmt: skip
    by_name = {r.name: r for r in reads}
    assert by_name["PY_SUBSCRIPT"].line == 9
    assert by_name["PY_GET_DEFAULT"].has_default
    assert by_name["PY_GE"].has_default
    assert by_name["PY_IN"].has_default
    assert not by_name["PY_GETENV"].has_default


def test_python_file_that_does_not_parse_yields_nothing() -> None:
    assert python_reads("def broken(:\n    os.environ['X']\n", "bad.py") == []
    assert python_reads("print 'py2'\n", "old.py") == []


def test_javascript_reads_ignore_comments_strings_regexes_and_writes() -> None:
    reads = javascript_reads(TS, "app.ts")
    assert names(reads) == {
        "JS_TEMPLATE_EXPR", "JS_NESTED", "JS_AFTER_DIVISION", "JS_DOT", "JS_BRACKET",
        "JS_OPTIONAL", "VITE_JS_META", "JS_DESTRUCT_A", "JS_DESTRUCT_B", "JS_RENAMED", "JS_DENO",
    }  # fmt: skip
    by_name = {r.name: r for r in reads}
    assert by_name["JS_DOT"].line == 10
    assert by_name["JS_NESTED"].line == 7
    assert by_name["JS_BRACKET"].has_default and by_name["JS_OPTIONAL"].has_default
    assert by_name["JS_DESTRUCT_B"].has_default and not by_name["JS_DESTRUCT_A"].has_default


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("const a = `${process.env.A", [("A", 1)]),  # inside an unclosed template expression
        ("'unterminated\nprocess.env.B", [("B", 2)]),  # a quote ends at the line end
        ("/* open", []),
        ("/[/", []),
        ("process.env.C; /* open", [("C", 1)]),  # reads before the break are kept
        ("process.env.E\nconst s = 'open", [("E", 1)]),
        ("process.env.F; x = `${", [("F", 1)]),
    ],
)
def test_unterminated_javascript_keeps_the_reads_it_can_see(
    broken: str, expected: list[tuple[str, int]]
) -> None:
    assert [(r.name, r.line) for r in javascript_reads(broken, "x.js")] == expected


def test_ruby_reads_ignore_comments_strings_heredocs_and_writes() -> None:
    reads = ruby_reads(RB, "config.rb")
    assert names(reads) == {
        "RB_INTERPOLATED", "RB_INDEX", "RB_FETCH", "RB_FETCH_DEFAULT", "RB_FETCH_BLOCK", "RB_OR",
        "RB_KEY_Q",
    }  # fmt: skip
    by_name = {r.name: r for r in reads}
    assert by_name["RB_INDEX"].line == 13
    assert not by_name["RB_FETCH"].has_default
    assert by_name["RB_FETCH_DEFAULT"].has_default and by_name["RB_FETCH_BLOCK"].has_default


def test_workflow_reads_skip_yaml_comments_but_not_run_scripts() -> None:
    reads = workflow_reads(WORKFLOW, ".github/workflows/deploy.yml")
    assert names(reads) == {"WF_SECRET", "WF_IN_RUN", "WF_VAR", "WF_BRACKET"}
    lines = {r.name: r.line for r in reads}
    assert lines == {"WF_SECRET": 5, "WF_IN_RUN": 13, "WF_VAR": 14, "WF_BRACKET": 17}
    assert workflow_reads("on: [push\n${{ secrets.X }}", "w.yml") == []


def _tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_scan_tree_walks_languages_and_prunes_vendored_directories(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "app/main.py": PY,
        "web/src/client.ts": TS,
        "web/src/Page.vue": "<template><p>{{ x }}</p></template>\n<script setup>\n"
                            "const k = import.meta.env.VITE_VUE_KEY\n</script>\n",
        "config/boot.rb": RB,
        "Rakefile": 'task(:x) { ENV.fetch("RAKE_READ") }\n',
        ".github/workflows/deploy.yml": WORKFLOW,
        "node_modules/lib/index.js": "process.env.FROM_NODE_MODULES\n",
        "vendor/bundle/x.rb": 'ENV["FROM_VENDOR"]\n',
        ".venv/lib/site.py": 'import os\nos.environ["FROM_VENV"]\n',
        "env2/pyvenv.cfg": "home = /usr\n",
        "env2/lib/x.py": 'import os\nos.environ["FROM_ODD_VENV"]\n',
        ".git/hooks/x.py": 'import os\nos.environ["FROM_GIT"]\n',
        "dist/app.min.js": "process.env.FROM_MINIFIED\n",
        "docs/readme.md": "process.env.FROM_MARKDOWN\n",
    })  # fmt: skip
    result = scan_tree(tmp_path)
    found = names(result.reads)
    assert {"PY_SUBSCRIPT", "JS_DOT", "VITE_VUE_KEY", "RB_INDEX", "RAKE_READ", "WF_SECRET"} <= found
    assert not any(n.startswith("FROM_") for n in found)
    vue = next(r for r in result.reads if r.name == "VITE_VUE_KEY")
    assert (vue.path, vue.line) == ("web/src/Page.vue", 3)
    assert result.files == 6


def test_code_paths_limit_the_scan(tmp_path: Path) -> None:
    _tree(tmp_path, {"app/a.py": 'import os\nos.environ["IN_APP"]\n',
                     "scripts/b.py": 'import os\nos.environ["IN_SCRIPTS"]\n',
                     "lib/c.ts": "process.env.IN_LIB\n"})  # fmt: skip
    assert names(scan_tree(tmp_path, ["app"]).reads) == {"IN_APP"}
    assert names(scan_tree(tmp_path, ["lib/*.ts", "scripts/b.py"]).reads) == {
        "IN_LIB",
        "IN_SCRIPTS",
    }
