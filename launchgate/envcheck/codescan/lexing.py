"""What the JavaScript and Ruby tokenizers share: the token, position bookkeeping, lookups.

Both languages need a real tokenizer (not a regex) so that reads inside comments and strings are
never reported; the language-specific parts (regex literals, templates, heredocs) stay in each.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    kind: str  # "id" | "str" | "num" | "punct", plus language-specific kinds
    text: str
    line: int


class LexerBase:
    """A cursor over the source that tracks line numbers and collects tokens."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.line = 1
        self.tokens: list[Token] = []

    def _advance_to(self, end: int) -> None:
        self.line += self.src.count("\n", self.pos, end)
        self.pos = end

    def _punct(self, text: str) -> None:
        self.tokens.append(Token("punct", text, self.line))
        self._advance_to(self.pos + len(text))


def token_is(tokens: list[Token], i: int, kind: str, *texts: str) -> bool:
    """Is ``tokens[i]`` (if it exists) of ``kind`` and, when given, one of ``texts``?"""
    return (
        0 <= i < len(tokens) and tokens[i].kind == kind and (not texts or tokens[i].text in texts)
    )
