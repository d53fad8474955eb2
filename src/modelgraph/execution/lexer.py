"""A SPARQL tokenizer good enough to find keywords the way the real parser would.

It is not a parser: it splits text into tokens (strings, IRIs, comments, variables,
prefixed names, numbers, words, punctuation) so that a keyword inside a string literal, an
IRI or a comment is not mistaken for code, while a keyword in code is never missed.

Where the tokenizer and oxigraph's parser could disagree, it errs towards seeing *more*
code ("fail closed"); :func:`scan` documents the three places where that matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Token kinds
WORD = "word"  # a bare word: keyword, built-in function name, `a`, true/false
VAR = "var"
IRI = "iri"
PNAME = "pname"  # prefixed name, `ex:local` (also `ex:` and `:local`)
STRING = "string"
NUMBER = "number"
LANGTAG = "langtag"
BNODE = "bnode"
PUNCT = "punct"

_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = r"(?:[^\W\d_](?:[\w\-.\u00B7]*[\w\-\u00B7])?)"
_PN_LOCAL = rf"(?:(?:[\w:]|{_PLX})(?:(?:[\w\-.:\u00B7]|{_PLX})*(?:[\w\-:\u00B7]|{_PLX}))?)"
_UCHAR = r"(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"

# Order matters: longer/more specific alternatives first.
_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\[\s\S]))*'''
             |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\[\s\S]))*\"\"\"
             |'(?:[^'\\\n\r]|\\.)*'
             |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|"""
    + _UCHAR
    + r""")*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<bnode>_:[\w](?:[\w\-.\u00B7]*[\w\-\u00B7])?)
  | (?P<pname>"""
    + _PN_PREFIX
    + r"""?:"""
    + _PN_LOCAL
    + r"""?)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z][A-Za-z0-9_]*)
  | (?P<punct>&&|\|\||\^\^|<=|>=|!=|[\s\S])
    """,
    re.VERBOSE,
)

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    offset: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokenize(text: str) -> list[Token]:
    """Significant tokens of `text` (whitespace and comments dropped); never fails."""
    tokens: list[Token] = []
    pos = 0
    end = len(text)
    while pos < end:
        match = _TOKEN.match(text, pos)
        assert match is not None  # the last alternative matches any character
        kind = match.lastgroup
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    return tokens


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def unescape_codepoints(text: str) -> str:
    """Apply SPARQL's \\uXXXX / \\UXXXXXXXX escapes to the whole text."""

    def replace(match: re.Match) -> str:
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group()

    return _UNICODE_ESCAPE.sub(replace, text)
