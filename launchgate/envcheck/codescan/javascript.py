"""JavaScript / TypeScript reads, found on a token stream so comments and strings never match.

The tokenizer knows line and block comments, quoted strings, template literals (whose ``${...}``
parts are code again), and regular-expression literals (told apart from division by the token
before them). Recognised reads: ``process.env.X``, ``process.env["X"]``, ``process.env?.X``,
``import.meta.env.X`` / ``["X"]``, ``Deno.env.get("X")``, ``Bun.env.X`` and destructuring
``const { X, Y = d } = process.env``. Assignments (``process.env.X = ...``) are writes, not reads.
"""

from __future__ import annotations

import re

from launchgate.envcheck.codescan.lexing import LexerBase, Token
from launchgate.envcheck.codescan.lexing import token_is as _is
from launchgate.envcheck.codescan.model import EnvRead

_IDENT_START = re.compile(r"[A-Za-z_$\u00c0-\uffff]")
_IDENT = re.compile(r"[A-Za-z0-9_$\u00c0-\uffff]*")
_NUMBER = re.compile(r"[0-9][0-9A-Za-z_.]*|\.[0-9][0-9A-Za-z_]*")
_PUNCT = sorted(
    [
        "?.", "??=", "??", "||=", "||", "&&=", "&&", "...", "===", "!==", "==", "!=", "=>",
        "<=", ">=", "**=", "**", "++", "--", "+=", "-=", "*=", "/=", "%=", "<<", ">>>", ">>",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
# After these keywords a "/" starts a regular expression, not a division.
_REGEX_AFTER_WORDS = frozenset(
    {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case"}
    | {"do", "else", "yield", "await"}
)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# import.meta.env members that Vite defines itself; they are not environment variables.
_VITE_BUILTINS = frozenset({"MODE", "DEV", "PROD", "SSR", "BASE_URL"})


class _Lexer(LexerBase):
    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.brace_stack: list[str] = []  # "code" for "{", "tpl" for a template's "${"

    def _regex_allowed(self) -> bool:
        if not self.tokens:
            return True
        last = self.tokens[-1]
        if last.kind == "id":
            return last.text in _REGEX_AFTER_WORDS
        if last.kind in ("num", "str", "regex", "tpl"):
            return False
        return last.text not in (")", "]", "}")

    def _skip_quoted(self, quote: str) -> str:
        """From an opening quote to the closing one (a string ends at a line break)."""
        i = self.pos + 1
        chars: list[str] = []
        while i < len(self.src):
            ch = self.src[i]
            if ch == "\\":
                chars.append(self.src[i : i + 2])
                i += 2
                continue
            if ch == quote or ch == "\n":
                break
            chars.append(ch)
            i += 1
        self._advance_to(min(i + 1, len(self.src)))
        return "".join(chars)

    def _template(self) -> None:
        """Template text up to the closing backtick, or up to ``${`` (code follows)."""
        i = self.pos
        start_line = self.line
        while i < len(self.src):
            ch = self.src[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "`":
                self._advance_to(i + 1)
                self.tokens.append(Token("tpl", "`", start_line))
                return
            if ch == "$" and self.src.startswith("${", i):
                self._advance_to(i + 2)
                self.tokens.append(Token("tpl", "${", start_line))
                self.brace_stack.append("tpl")
                return
            i += 1
        self._advance_to(len(self.src))

    def _regex(self) -> None:
        i = self.pos + 1
        in_class = False
        while i < len(self.src) and self.src[i] != "\n":
            ch = self.src[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                i += 1
                break
            i += 1
        flags = _IDENT.match(self.src, i)
        end = flags.end() if flags else i
        self.tokens.append(Token("regex", "/", self.line))
        self._advance_to(end)

    def run(self) -> list[Token]:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            if ch in " \t\r\n\f\v\ufeff":
                self._advance_to(self.pos + 1)
            elif src.startswith("//", self.pos):
                end = src.find("\n", self.pos)
                self._advance_to(len(src) if end < 0 else end)
            elif src.startswith("/*", self.pos):
                end = src.find("*/", self.pos + 2)
                self._advance_to(len(src) if end < 0 else end + 2)
            elif ch in "'\"":
                line = self.line
                self.tokens.append(Token("str", self._skip_quoted(ch), line))
            elif ch == "`":
                self._advance_to(self.pos + 1)
                self._template()
            elif ch == "/" and self._regex_allowed():
                self._regex()
            elif _IDENT_START.match(ch):
                match = _IDENT.match(src, self.pos + 1)
                end = match.end() if match else self.pos + 1
                self.tokens.append(Token("id", src[self.pos : end], self.line))
                self._advance_to(end)
            elif ch.isdigit() or (ch == "." and src[self.pos + 1 : self.pos + 2].isdigit()):
                number = _NUMBER.match(src, self.pos)
                end = number.end() if number else self.pos + 1
                self.tokens.append(Token("num", src[self.pos : end], self.line))
                self._advance_to(end)
            elif ch == "{":
                self.brace_stack.append("code")
                self._punct(ch)
            elif ch == "}":
                if self.brace_stack and self.brace_stack.pop() == "tpl":
                    self._advance_to(self.pos + 1)
                    self._template()
                else:
                    self._punct(ch)
            else:
                op = next((p for p in _PUNCT if src.startswith(p, self.pos)), ch)
                self._punct(op)
        return self.tokens


def tokenize(source: str) -> list[Token]:
    """Code tokens only: comments vanish, strings and templates become single tokens."""
    return _Lexer(source).run()


def _dot(tokens: list[Token], i: int) -> bool:
    return _is(tokens, i, "punct", ".", "?.")


def _env_object_end(tokens: list[Token], i: int) -> int | None:
    """If an env object (``process.env``, ``import.meta.env``, ``Bun.env``) starts at ``i``,
    the index of its ``env`` token."""
    if (
        _is(tokens, i, "id", "process", "Bun")
        and _dot(tokens, i + 1)
        and _is(tokens, i + 2, "id", "env")
    ):
        if i > 0 and _dot(tokens, i - 1):
            return None  # foo.process.env is someone else's object
        return i + 2
    if (
        _is(tokens, i, "id", "import")
        and _dot(tokens, i + 1)
        and _is(tokens, i + 2, "id", "meta")
        and _dot(tokens, i + 3)
        and _is(tokens, i + 4, "id", "env")
    ):
        return i + 4
    return None


def _is_write(tokens: list[Token], i: int) -> bool:
    return _is(tokens, i, "punct", "=", "+=", "-=", "||=", "??=", "&&=")


def _has_default(tokens: list[Token], i: int) -> bool:
    return _is(tokens, i, "punct", "??", "||") or _is(tokens, i, "punct", "||=", "??=")


def _destructured(tokens: list[Token], eq: int) -> list[tuple[Token, bool]]:
    """Names in ``{ A, B: b, C = d, ...rest } = <env>`` ending at the ``=`` token ``eq``."""
    if not _is(tokens, eq - 1, "punct", "}"):
        return []
    depth = 0
    start = None
    for j in range(eq - 1, -1, -1):
        text = tokens[j].text if tokens[j].kind == "punct" else ""
        if text == "}":
            depth += 1
        elif text == "{":
            depth -= 1
            if depth == 0:
                start = j
                break
    if start is None:
        return []
    names: list[tuple[Token, bool]] = []
    depth = 0
    expect_key = True
    for j in range(start + 1, eq - 1):
        token = tokens[j]
        if token.kind == "punct" and token.text in "{[(":
            depth += 1
        elif token.kind == "punct" and token.text in "}])":
            depth -= 1
        elif depth == 0 and token.kind == "punct" and token.text == ",":
            expect_key = True
            continue
        if depth == 0 and expect_key:
            if token.kind in ("id", "str") and _ENV_NAME.match(token.text):
                default = _is(tokens, j + 1, "punct", "=")
                names.append((token, default))
            expect_key = False
    return names


def javascript_reads(source: str, path: str) -> list[EnvRead]:
    """Every literal-name env read in JS/TS ``source``."""
    if "env" not in source:
        return []
    tokens = tokenize(source)
    reads: list[EnvRead] = []

    def add(token: Token, has_default: bool, vite: bool = False) -> None:
        if vite and token.text in _VITE_BUILTINS:
            return
        if _ENV_NAME.match(token.text):
            reads.append(EnvRead(token.text, path, token.line, "javascript", has_default))

    for i, token in enumerate(tokens):
        if token.kind != "id":
            continue
        if token.text == "Deno":
            # Deno.env.get("X")
            if (
                _dot(tokens, i + 1)
                and _is(tokens, i + 2, "id", "env")
                and _dot(tokens, i + 3)
                and _is(tokens, i + 4, "id", "get")
                and _is(tokens, i + 5, "punct", "(")
                and _is(tokens, i + 6, "str")
            ):
                add(tokens[i + 6], _has_default(tokens, i + 8))
            continue
        env = _env_object_end(tokens, i)
        if env is None:
            continue
        vite = token.text == "import"
        if _dot(tokens, env + 1) and _is(tokens, env + 2, "id"):
            after = env + 3
            if not _is_write(tokens, after):
                add(tokens[env + 2], _has_default(tokens, after), vite)
        elif _is(tokens, env + 1, "punct", "[") or (
            _dot(tokens, env + 1) and _is(tokens, env + 2, "punct", "[")
        ):
            k = env + 2 if tokens[env + 1].text == "[" else env + 3
            closed = _is(tokens, k, "str") and _is(tokens, k + 1, "punct", "]")
            if closed and not _is_write(tokens, k + 2):
                add(tokens[k], _has_default(tokens, k + 2), vite)
        elif _is(tokens, i - 1, "punct", "="):
            for name, default in _destructured(tokens, i - 1):
                add(name, default, vite)
    return reads


_SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)


def component_reads(source: str, path: str) -> list[EnvRead]:
    """Vue / Svelte / Astro single-file components: the ``<script>`` blocks are JS/TS."""
    reads: list[EnvRead] = []
    for block in _SCRIPT_BLOCK.finditer(source):
        offset = source.count("\n", 0, block.start(1))
        for read in javascript_reads(block.group(1), path):
            reads.append(
                EnvRead(read.name, read.path, read.line + offset, read.language, read.has_default)
            )
    if path.endswith(".astro") and source.startswith("---"):
        end = source.find("\n---", 3)
        if end > 0:
            reads.extend(javascript_reads(source[:end], path))
    return reads
