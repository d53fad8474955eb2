"""What a SPARQL request is (query form, dataset clauses) and what it may not do.

pyoxigraph performs SERVICE (and, in updates, LOAD) by making HTTP requests itself, so
without `allow_service_calls` those are refused *before* evaluation. Keywords are found
on tokens (see lexer.py), never by substring search, and wherever the tokenizer could
read code differently from oxigraph's parser the check errs towards refusing:

1. Keywords glue. oxigraph accepts `SERVICE?x{..}`, `SERVICESILENT<..>{..}` and even
   `SERVICEex:foo {..}` (keyword + prefixed name). So any bare word that *starts* with
   SERVICE is a SERVICE, and so is a prefixed name whose prefix starts with SERVICE when
   a `{` follows it (unless it names a graph after GRAPH / FROM / NAMED).
2. `<` is both "IRI starts" and "less than". In `FILTER(?a<?b)SERVICE?x#>` a naive
   tokenizer sees one IRI `<?b)SERVICE?x#>` where oxigraph sees a comparison, a SERVICE
   and a comment. An expression can only be left through `)`, so the text of every
   IRI-shaped token containing `)` is also scanned as code.
3. SPARQL allows \\uXXXX escapes; if the text has any, the unescaped text is scanned too.

The price is a rare false refusal (an IRI like `<http://x/Service_(a)>` after a variable,
a prefix named `service...:` directly before `{`), always with a message saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .jobs import ForbiddenOperation
from .lexer import IRI, PNAME, PUNCT, WORD, Token, position, tokenize, unescape_codepoints

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_GRAPH_NAMING = frozenset({"GRAPH", "FROM", "NAMED"})


@dataclass(frozen=True)
class Shape:
    """What a scan of a request found."""

    form: str | None  # SELECT / CONSTRUCT / DESCRIBE / ASK, an update keyword, or None
    service_at: int | None = None  # offset of the first SERVICE
    load_at: int | None = None  # offset of the first LOAD
    has_dataset_clause: bool = False  # FROM / FROM NAMED (queries), USING (updates)

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_KEYWORDS


@lru_cache(maxsize=1024)  # a pure function of the text; dashboards repeat their queries
def scan(text: str) -> Shape:
    shape = _scan_tokens(text, tokenize(text))
    if "\\u" in text or "\\U" in text:
        unescaped = unescape_codepoints(text)
        other = _scan_tokens(unescaped, tokenize(unescaped))
        if shape.service_at is None and other.service_at is not None:
            shape = Shape(shape.form, other.service_at, shape.load_at, shape.has_dataset_clause)
        if shape.load_at is None and other.load_at is not None:
            shape = Shape(shape.form, shape.service_at, other.load_at, shape.has_dataset_clause)
    return shape


def _scan_tokens(text: str, tokens: list[Token]) -> Shape:
    form = None
    service_at = load_at = None
    dataset = False
    depth = 0
    previous: Token | None = None
    for index, token in enumerate(tokens):
        upper = token.upper
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.kind == WORD:
            if form is None and upper not in ("PREFIX", "BASE"):
                form = upper
            if upper.startswith("SERVICE") and service_at is None:
                service_at = token.offset
            if upper.startswith("LOAD") and load_at is None:
                load_at = token.offset
            if upper in ("FROM", "USING"):
                dataset = True
        elif token.kind == PNAME:
            prefix = upper.split(":", 1)[0]
            if (
                prefix.startswith("SERVICE")
                and following is not None
                and following.text == "{"
                and (previous is None or previous.upper not in _GRAPH_NAMING)
                and service_at is None
            ):
                service_at = token.offset
            if (
                prefix.startswith("LOAD")
                and depth == 0
                and (previous is None or previous.text == ";" or previous.kind == IRI)
                and load_at is None
            ):
                load_at = token.offset
        elif token.kind == IRI and ")" in token.text and service_at is None:
            if _hides_service(token.text[1:-1]):
                service_at = token.offset
        elif token.kind == PUNCT:
            if token.text == "{":
                depth += 1
            elif token.text == "}":
                depth = max(0, depth - 1)
        previous = token
    return Shape(form, service_at, load_at, dataset)


def _hides_service(inner: str) -> bool:
    """Would `inner`, read as code rather than as an IRI, contain a SERVICE?"""
    for token in tokenize(inner):
        name = token.upper.split(":", 1)[0] if token.kind == PNAME else token.upper
        if token.kind in (WORD, PNAME) and name.startswith("SERVICE"):
            return True
    return False


def check_query(text: str, *, allow_service_calls: bool) -> Shape:
    """Scan a query for the query endpoint; refuse updates and (by default) SERVICE."""
    shape = scan(text)
    if shape.is_update:
        raise ForbiddenOperation(
            f"{shape.form} is a SPARQL Update operation; the query endpoint only answers "
            "queries (send updates as `update=` or application/sparql-update)",
            source="query",
        )
    if shape.service_at is not None and not allow_service_calls:
        raise _refusal(text, shape.service_at, "SERVICE (federated query)", "query")
    return shape


def check_update(text: str, *, allow_service_calls: bool) -> Shape:
    """Scan an update: LOAD and SERVICE fetch URLs, so both need allow_service_calls."""
    shape = scan(text)
    if not allow_service_calls:
        if shape.load_at is not None:
            raise _refusal(text, shape.load_at, "LOAD", "update")
        if shape.service_at is not None:
            raise _refusal(text, shape.service_at, "SERVICE (federated query)", "update")
    return shape


def _refusal(text: str, offset: int, what: str, source: str) -> ForbiddenOperation:
    line, column = position(text, offset)
    return ForbiddenOperation(
        f"{what} is disabled on this server: it would make the server fetch other URLs "
        "(an operator can enable it with MODELGRAPH_ALLOW_SERVICE_CALLS=true)",
        source=source,
        line=line,
        column=column,
    )
