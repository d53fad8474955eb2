"""A SPARQL syntax error caused by an undeclared prefix, told as such.

oxigraph reports ``SELECT * { ?s mg:name ?o }`` as "error at 1:20: expected OPTIONAL": the
prefix is not named. When a query's syntax error lies at or after a prefixed name whose
prefix the query does not declare, that is the cause (the parser stops at the first one),
so the error is rewritten to name the prefix, where it is used, and the PREFIX lines to
add: with the namespace for the prefixes modelgraph declares itself (vocab.PREFIXES, as in
the query UI's examples).
"""

from __future__ import annotations

from ..errors import QuerySyntaxError
from ..vocab import PREFIXES
from .lexer import PNAME, Token, position, tokenize


def name_undeclared_prefix(error: QuerySyntaxError, text: str) -> QuerySyntaxError:
    """`error` (about `text`) rewritten when an undeclared prefix caused it; else itself."""
    undeclared = _undeclared(text)
    limit = _offset(text, error.line, error.column)
    if not undeclared or (limit is not None and undeclared[0].offset > limit):
        return error  # the parser stopped before any: something else is wrong
    culprit = undeclared[0]
    names = list(dict.fromkeys(_prefix(t) for t in undeclared))
    first = names[0]
    others = f" (nor are {', '.join(n + ':' for n in names[1:])})" if names[1:] else ""
    declarations = " ".join(
        f"PREFIX {n}: <{PREFIXES[n]}>" if n in PREFIXES else f"PREFIX {n}: <…>" for n in names
    )
    unknown = [n + ":" for n in names if n not in PREFIXES]
    fill_in = f" (with the namespace IRI of {', '.join(unknown)})" if unknown else ""
    line, column = position(text, culprit.offset)
    return QuerySyntaxError(
        f"SPARQL syntax error: the prefix {first}: of {culprit.text} is not declared{others}; "
        f"start the query with: {declarations}{fill_in}",
        source=error.source, line=line, column=column,
    )


def _undeclared(text: str) -> list[Token]:
    """Prefixed names whose prefix no PREFIX before them declares."""
    declared: set[str] = set()
    found = []
    tokens = tokenize(text)
    for index, token in enumerate(tokens):
        if token.kind != PNAME:
            continue
        if index and tokens[index - 1].upper == "PREFIX":
            declared.add(_prefix(token))
        elif _prefix(token) not in declared:
            found.append(token)
    return found


def _prefix(token: Token) -> str:
    return token.text.split(":", 1)[0]


def _offset(text: str, line: int | None, column: int | None) -> int | None:
    """The offset of a 1-based line and column in `text`; None when not known."""
    if line is None:
        return None
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return len(text)
    return start + max((column or 1) - 1, 0)
