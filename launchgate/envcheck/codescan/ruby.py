"""Ruby reads, found on a token stream so comments, strings and heredocs never match.

The tokenizer skips ``#`` comments, ``=begin``/``=end`` blocks, quoted strings (``"#{...}"``
interpolation is code again), ``%q()``-style literals, regex literals and heredoc bodies.
Recognised reads: ``ENV["X"]``, ``ENV.fetch("X"[, d])`` (a default or a block makes it optional),
``ENV.key?("X")`` and friends. ``ENV["X"] = v`` is a write; ``ENV["X"] ||= v`` a read with default.
"""

from __future__ import annotations

import re

from launchgate.envcheck.codescan.lexing import LexerBase, Token
from launchgate.envcheck.codescan.lexing import token_is as _is
from launchgate.envcheck.codescan.model import EnvRead

_IDENT = re.compile(r"[A-Za-z_\u00c0-\uffff][A-Za-z0-9_\u00c0-\uffff]*[?!]?")
_HEREDOC = re.compile(r"<<([~-]?)(['\"`]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_PERCENT = re.compile(r"%([qQwWiIrsx]?)([^A-Za-z0-9\s])")
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PRESENCE = frozenset({"key?", "has_key?", "include?", "member?"})
_VALUE_AFTER_WORDS = frozenset(
    {"if", "unless", "while", "until", "and", "or", "not", "return", "when", "in", "puts", "p"}
)
_BLOCK_COMMENT_END = re.compile(r"^=end\b.*$", re.MULTILINE)
_CHAR_LITERAL = re.compile(r"\?[A-Za-z0-9_'\"](?![A-Za-z0-9_])")
_NUMBER = re.compile(r"[0-9][0-9A-Za-z_.]*")


class _Lexer(LexerBase):
    def __init__(self, source: str) -> None:
        super().__init__(source)
        self.heredocs: list[tuple[str, bool]] = []  # (terminator, indented) pending at "\n"
        self.interp: list[int] = []  # brace depth at each open "#{"
        self.resume: list[tuple[str, bool, str | None]] = []  # the string each "#{" interrupts

    def _value_expected(self) -> bool:
        """Would a ``/`` or ``%`` here start a literal rather than divide?"""
        if not self.tokens:
            return True
        last = self.tokens[-1]
        if last.kind == "id":
            return last.text in _VALUE_AFTER_WORDS
        if last.kind in ("num", "str", "dstr"):
            return False
        return last.text not in (")", "]", "}")

    def _newline(self) -> None:
        self._advance_to(self.pos + 1)
        while self.heredocs:
            terminator, indented = self.heredocs.pop(0)
            while self.pos < len(self.src):
                end = self.src.find("\n", self.pos)
                end = len(self.src) if end < 0 else end
                text = self.src[self.pos : end]
                self._advance_to(min(end + 1, len(self.src)))
                if (text.strip() if indented else text.rstrip("\r")) == terminator:
                    break

    def _string(self, close: str, interpolate: bool, open_: str | None = None) -> None:
        """From after the opening delimiter to the closing one; ``#{`` opens code."""
        i = self.pos
        line = self.line
        depth = 0
        chars: list[str] = []
        while i < len(self.src):
            ch = self.src[i]
            if ch == "\\":
                chars.append(self.src[i : i + 2])
                i += 2
                continue
            if open_ is not None and ch == open_:
                depth += 1
            elif ch == close:
                if depth == 0:
                    self._advance_to(i + 1)
                    self.tokens.append(Token("str", "".join(chars), line))
                    return
                depth -= 1
            elif interpolate and self.src.startswith("#{", i):
                self._advance_to(i + 2)
                self.tokens.append(Token("dstr", "", line))
                self.interp.append(0)
                self.resume.append((close, interpolate, open_))
                return
            chars.append(ch)
            i += 1
        self._advance_to(len(self.src))

    def run(self) -> list[Token]:
        src = self.src
        while self.pos < len(src):
            ch = src[self.pos]
            at_line_start = self.pos == 0 or src[self.pos - 1] == "\n"
            if ch == "\n":
                self._newline()
            elif ch in " \t\r\f\v\ufeff\\":
                self._advance_to(self.pos + 1)
            elif at_line_start and src.startswith("=begin", self.pos):
                block_end = _BLOCK_COMMENT_END.search(src, self.pos)
                self._advance_to(len(src) if block_end is None else block_end.end())
            elif ch == "#":
                line_end = src.find("\n", self.pos)
                self._advance_to(len(src) if line_end < 0 else line_end)
            elif ch in '"`':
                self._advance_to(self.pos + 1)
                self._string(ch, interpolate=True)
            elif ch == "'":
                self._advance_to(self.pos + 1)
                self._string("'", interpolate=False)
            elif ch == ":" and src[self.pos + 1 : self.pos + 2] == '"':
                self._advance_to(self.pos + 2)
                self._string('"', interpolate=True)
            elif ch == "<" and (heredoc := _HEREDOC.match(src, self.pos)):
                self.heredocs.append((heredoc.group(3), bool(heredoc.group(1))))
                self.tokens.append(Token("str", "", self.line))
                self._advance_to(heredoc.end())
            elif ch == "%" and self._value_expected() and (lit := _PERCENT.match(src, self.pos)):
                opener = lit.group(2)
                self._advance_to(lit.end())
                close = _PAIRS.get(opener, opener)
                kind = lit.group(1)
                self._string(close, kind in ("", "Q", "W", "I", "r", "x"),
                             opener if opener in _PAIRS else None)  # fmt: skip
            elif ch == "/" and self._value_expected():
                self._advance_to(self.pos + 1)
                self._string("/", interpolate=True)
            elif ch == "?" and self._value_expected() and _CHAR_LITERAL.match(src, self.pos):
                self._advance_to(self.pos + 2)  # ?a character literal
            elif ident := _IDENT.match(src, self.pos):
                self.tokens.append(Token("id", ident.group(), self.line))
                self._advance_to(ident.end())
            elif number := _NUMBER.match(src, self.pos):
                self.tokens.append(Token("num", number.group(), self.line))
                self._advance_to(number.end())
            elif ch == "{" and self.interp:
                self.interp[-1] += 1
                self._punct(ch)
            elif ch == "}" and self.interp:
                if self.interp[-1] == 0:
                    self.interp.pop()
                    close, interpolate, open_ = self.resume.pop()
                    self._advance_to(self.pos + 1)
                    self._string(close, interpolate, open_)
                else:
                    self.interp[-1] -= 1
                    self._punct(ch)
            else:
                op = next((p for p in ("||=", "::", "&.") if src.startswith(p, self.pos)), ch)
                self._punct(op)
        return self.tokens


def tokenize(source: str) -> list[Token]:
    return _Lexer(source).run()


def _const_string(tokens: list[Token], i: int) -> Token | None:
    """A string token that is a whole constant (not ``"A_#{x}"``) and a valid name."""
    if _is(tokens, i, "str") and not _is(tokens, i - 1, "dstr") and not _is(tokens, i + 1, "dstr"):
        return tokens[i] if _ENV_NAME.match(tokens[i].text) else None
    return None


def _fetch_default(tokens: list[Token], close: int) -> bool:
    """``ENV.fetch("X", d)`` or ``ENV.fetch("X") { ... }`` / ``do ... end``."""
    return _is(tokens, close, "punct", ",") or (
        _is(tokens, close, "punct", ")")
        and (_is(tokens, close + 1, "punct", "{") or _is(tokens, close + 1, "id", "do"))
    )


def ruby_reads(source: str, path: str) -> list[EnvRead]:
    """Every literal-name ``ENV`` read in Ruby ``source``."""
    if "ENV" not in source:
        return []
    tokens = tokenize(source)
    reads: list[EnvRead] = []
    for i, token in enumerate(tokens):
        if token.kind != "id" or token.text != "ENV":
            continue
        if i > 0 and _is(tokens, i - 1, "punct", ".", "&."):
            continue  # some_object.ENV is not the process environment
        if _is(tokens, i + 1, "punct", "["):
            name = _const_string(tokens, i + 2)
            if name is None or not _is(tokens, i + 3, "punct", "]"):
                continue
            if _is(tokens, i + 4, "punct", "=") and not _is(tokens, i + 5, "punct", "=", "~"):
                continue  # ENV["X"] = v: a write
            default = _is(tokens, i + 4, "punct", "||=") or (
                _is(tokens, i + 4, "punct", "|") and _is(tokens, i + 5, "punct", "|")
            )
            reads.append(EnvRead(name.text, path, name.line, "ruby", default))
        elif _is(tokens, i + 1, "punct", ".", "&.") and _is(tokens, i + 2, "id"):
            method = tokens[i + 2].text
            if method not in _PRESENCE | {"fetch", "[]"}:
                continue
            k = i + 4 if _is(tokens, i + 3, "punct", "(") else i + 3
            name = _const_string(tokens, k)
            if name is None:
                continue
            default = method in _PRESENCE or _fetch_default(tokens, k + 1)
            reads.append(EnvRead(name.text, path, name.line, "ruby", default))
    return reads
