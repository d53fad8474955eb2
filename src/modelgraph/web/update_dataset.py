"""SPARQL Protocol `using-graph-uri` / `using-named-graph-uri`, written into the update.

The protocol (§2.2.3) gives these parameters the meaning of USING / USING NAMED in every
DELETE/INSERT operation of the request, and makes a request that also names a dataset in
the update itself (USING, USING NAMED or WITH) an error. pyoxigraph takes no dataset with an
update, so the clauses are written into the text, before each operation's WHERE; the
shorthand `DELETE WHERE { P }` becomes `DELETE { P } USING ... WHERE { P }`, which means the
same. The text is split on tokens (lexer.py), so braces and keywords inside strings, IRIs
and comments are never mistaken for structure. Operations without a WHERE (INSERT DATA,
CLEAR, ...) match no pattern and are left as they are.
"""

from __future__ import annotations

from ..errors import InputError
from ..execution.lexer import PUNCT, WORD, Token, position, tokenize


def with_protocol_dataset(update: str, using: tuple[str, ...],
                          using_named: tuple[str, ...]) -> str:
    """`update` with the protocol's dataset as USING clauses (IRIs already validated)."""
    if not using and not using_named:
        return update
    clauses = " ".join([f"USING <{iri}>" for iri in using]
                       + [f"USING NAMED <{iri}>" for iri in using_named])
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the text
    for operation in _operations(tokenize(update)):
        _refuse_own_dataset(update, operation)
        where = next((i for i, (token, depth) in enumerate(operation)
                      if depth == 0 and _is(token, "WHERE")), None)
        if where is None:
            continue
        token = operation[where][0]
        if where > 0 and _is(operation[where - 1][0], "DELETE"):  # DELETE WHERE { P }
            pattern = _block_after(update, operation, where)
            edits.append((token.offset, token.offset + len(token.text),
                          f"{pattern} {clauses} WHERE"))
        else:
            edits.append((token.offset, token.offset, f"{clauses} "))
    for start, end, text in reversed(edits):
        update = update[:start] + text + update[end:]
    return update


def _operations(tokens: list[Token]) -> list[list[tuple[Token, int]]]:
    """The tokens of each operation (split on `;` outside braces), with their brace depth."""
    operations: list[list[tuple[Token, int]]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == PUNCT and token.text == "}":
            depth -= 1
        if token.kind == PUNCT and token.text == ";" and depth == 0:
            operations.append([])
            continue
        operations[-1].append((token, depth))
        if token.kind == PUNCT and token.text == "{":
            depth += 1
    return operations


def _refuse_own_dataset(update: str, operation: list[tuple[Token, int]]) -> None:
    for token, depth in operation:
        if depth == 0 and (_is(token, "USING") or _is(token, "WITH")):
            line, column = position(update, token.offset)
            raise InputError(
                f"the update names its own dataset ({token.text.upper()} at line {line}, "
                f"column {column}), so using-graph-uri / using-named-graph-uri must not be "
                "given too (SPARQL 1.1 Protocol §2.2.3)",
                field="using-graph-uri",
            )


def _block_after(update: str, operation: list[tuple[Token, int]], index: int) -> str:
    """The text of the `{ ... }` block that follows token `index`, braces included."""
    start = operation[index + 1][0] if index + 1 < len(operation) else None
    if start is None or start.text != "{":
        raise InputError("DELETE WHERE must be followed by a { ... } pattern", field="update")
    for token, depth in operation[index + 2:]:
        if depth == 0 and token.kind == PUNCT and token.text == "}":
            return update[start.offset:token.offset + 1]
    raise InputError("the DELETE WHERE pattern is not closed with }", field="update")


def _is(token: Token, keyword: str) -> bool:
    return token.kind == WORD and token.text.upper() == keyword
