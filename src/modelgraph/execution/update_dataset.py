"""The dataset a SPARQL Update's WHERE clauses match against, written into the update.

pyoxigraph takes no dataset with an update, so the dataset is written into the text as
USING / USING NAMED clauses, before each DELETE/INSERT operation's WHERE; the shorthand
`DELETE WHERE { P }` becomes `DELETE { P } USING ... WHERE { P }`, which means the same.
The text is split on tokens (lexer.py), so braces and keywords inside strings, IRIs and
comments are never mistaken for structure. Operations without a WHERE (INSERT DATA,
CLEAR, ...) match no pattern and are left as they are. Two sources of a dataset:

* the SPARQL Protocol's `using-graph-uri` / `using-named-graph-uri` (§2.2.3), which mean
  USING / USING NAMED in every operation, and make an update that names a dataset itself
  (USING, USING NAMED, WITH) an error: `with_protocol_dataset`;
* the service's union default graph: queries see the union of the named graphs as their
  default graph, and so do the WHERE clauses of updates that name no dataset, as with
  `oxigraph serve --union-default-graph`: `apply_over_union` runs the operations one by
  one, each over the graphs the store has when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import InputError
from .lexer import IRI, PNAME, PUNCT, WORD, Token, position, tokenize


def with_protocol_dataset(update: str, using: tuple[str, ...],
                          using_named: tuple[str, ...]) -> str:
    """`update` with the protocol's dataset as USING clauses (IRIs already validated)."""
    if not using and not using_named:
        return update
    operations = _operations(update)
    for operation in operations:
        if operation.names_dataset is not None:
            line, column = position(update, operation.names_dataset.offset)
            raise InputError(
                f"the update names its own dataset ({operation.names_dataset.text.upper()} "
                f"at line {line}, column {column}), so using-graph-uri / "
                "using-named-graph-uri must not be given too (SPARQL 1.1 Protocol §2.2.3)",
                field="using-graph-uri",
            )
    return _with_using(update, operations, _clauses(using, using_named))


def apply_over_union(store: ox.Store, update: str, base_iri: str | None) -> None:
    """Apply `update` to `store`, each DELETE/INSERT operation that names no dataset
    matching its WHERE against the union of the store's named graphs (and reaching each
    by GRAPH). Raises what pyoxigraph raises (SyntaxError, RuntimeError)."""
    operations = _operations(update)
    if not any(op.where is not None and op.names_dataset is None for op in operations):
        store.update(update, base_iri=base_iri)  # nothing to rewrite: one pass
        return
    prologue = ""
    for operation in operations:
        prologue += update[operation.prologue_start:operation.start]
        if not update[operation.start:operation.end].strip():
            continue
        edited, end = update, operation.end
        if operation.where is not None and operation.names_dataset is None:
            graphs = tuple(sorted(g.value for g in store.named_graphs()))
            clauses = _clauses(graphs, graphs) or "USING NAMED <urn:modelgraph:no-graph>"
            edited = _with_using(update, [operation], clauses)  # edits inside this operation
            end += len(edited) - len(update)
        store.update(prologue + edited[operation.start:end], base_iri=base_iri)


@dataclass(frozen=True)
class _Operation:
    prologue_start: int  # where its PREFIX / BASE declarations start in the text
    start: int  # where the operation itself starts (after them)
    end: int  # where it ends (before the `;` or at the end of the text)
    where: Token | None  # the WHERE of a DELETE/INSERT, outside braces
    delete_where: bool  # the shorthand DELETE WHERE { P }
    block_end: int | None  # for DELETE WHERE: just after the pattern's closing brace
    names_dataset: Token | None  # a USING or WITH of its own



def _operations(update: str) -> list[_Operation]:
    """The operations of `update`, split on `;` outside braces."""
    segments: list[list[Token]] = [[]]
    depth = 0
    depths: dict[int, int] = {}
    for token in tokenize(update):
        if token.kind == PUNCT and token.text == "}":
            depth -= 1
        if token.kind == PUNCT and token.text == ";" and depth == 0:
            segments.append([])
            continue
        depths[token.offset] = depth
        segments[-1].append(token)
        if token.kind == PUNCT and token.text == "{":
            depth += 1
    operations = []
    segment_start = 0
    for tokens in segments:
        body = _after_prologue(tokens)
        start = body[0].offset if body else (tokens[-1].offset + len(tokens[-1].text)
                                              if tokens else segment_start)
        end = tokens[-1].offset + len(tokens[-1].text) if tokens else start
        top = [t for t in body if depths[t.offset] == 0]
        where = next((t for t in top if _is(t, "WHERE")), None)
        delete_where = bool(where is not None and len(top) >= 2 and _is(top[0], "DELETE")
                            and top[1] is where)
        operations.append(_Operation(
            prologue_start=tokens[0].offset if tokens else segment_start,
            start=start,
            end=end,
            where=where,
            delete_where=delete_where,
            block_end=_block_end(body, depths, where) if delete_where else None,
            names_dataset=next((t for t in top if _is(t, "USING") or _is(t, "WITH")), None),
        ))
        segment_start = end + 1
    return operations


def _after_prologue(tokens: list[Token]) -> list[Token]:
    i = 0
    while i < len(tokens):
        if _is(tokens[i], "BASE") and i + 1 < len(tokens) and tokens[i + 1].kind == IRI:
            i += 2
        elif (_is(tokens[i], "PREFIX") and i + 2 < len(tokens) and tokens[i + 1].kind == PNAME
              and tokens[i + 2].kind == IRI):
            i += 3
        else:
            break
    return tokens[i:]


def _block_end(body: list[Token], depths: dict[int, int], where: Token) -> int:
    after = body[body.index(where) + 1:]
    if not after or after[0].text != "{":
        raise InputError("DELETE WHERE must be followed by a { ... } pattern", field="update")
    for token in after[1:]:
        if depths[token.offset] == 0 and token.kind == PUNCT and token.text == "}":
            return token.offset + 1
    raise InputError("the DELETE WHERE pattern is not closed with }", field="update")


def _with_using(text: str, operations: list[_Operation], clauses: str) -> str:
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    for operation in operations:
        where = operation.where
        if where is None:
            continue
        if operation.delete_where:  # DELETE WHERE { P }  ->  DELETE { P } USING ... WHERE { P }
            pattern = text[where.offset + len(where.text):operation.block_end].strip()
            edits.append((where.offset, where.offset + len(where.text),
                          f"{pattern} {clauses} WHERE"))
        else:
            edits.append((where.offset, where.offset, f"{clauses} "))
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


def _clauses(using: tuple[str, ...], using_named: tuple[str, ...]) -> str:
    return " ".join([f"USING <{iri}>" for iri in using]
                    + [f"USING NAMED <{iri}>" for iri in using_named])


def _is(token: Token, keyword: str) -> bool:
    return token.kind == WORD and token.text.upper() == keyword
