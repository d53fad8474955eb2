"""SPARQL text that a remote store sends: queries with substitutions, and update requests.

Nothing from a caller is ever pasted into SPARQL as raw text: terms go in through their
N-Triples form (pyoxigraph validates IRIs when a `NamedNode` is made and escapes literals
when it is printed), variable names are checked by `pyoxigraph.Variable`.

Substitutions are sent as a trailing ``VALUES`` clause (SPARQL 1.1 §10.2.2): the solutions
of the query pattern are joined with one row binding each substituted variable, after
grouping and before ORDER BY, projection, DISTINCT and LIMIT. For the queries modelgraph
asks (the substituted variable is projected, as pyoxigraph requires) this gives the same
answers as pyoxigraph's own substitutions; the difference is only visible in a query that
tests the variable with ``BOUND`` or compares it inside the pattern before it is bound there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ..errors import InputError

# Just enough of SPARQL's lexical grammar to find the query's top level: comments, strings
# and IRIs are skipped whole (they may hold braces or keywords), braces are counted.
_TOKENS = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'
               |"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u00c0-\uffff]+)
    | (?P<word>[A-Za-z_\u00c0-\uffff][\w\-.\u00b7\u00c0-\uffff]*(?::[^\s(){}<>"',;]*)?
               |:[^\s(){}<>"',;]*)
    | (?P<open>\{)
    | (?P<close>\})
    | (?P<other>\s+|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def has_trailing_values(sparql: str) -> bool:
    """True when the query already ends with a VALUES clause (a VALUES outside all braces)."""
    depth = 0
    for match in _TOKENS.finditer(sparql):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "word" and depth == 0 and match.group().upper() == "VALUES":
            return True
    return False


_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the query's first form keyword (None if none)."""
    for match in _TOKENS.finditer(sparql):
        if match.lastgroup == "word" and match.group().upper() in _FORMS:
            return match.group().upper()
    return None


def variable_name(key: object) -> str:
    """The name of a substitution's variable, given as a `Variable` or as a name (`?x`/`x`)."""
    if isinstance(key, ox.Variable):
        return key.value
    if isinstance(key, str):
        name = key[1:] if key[:1] in "?$" else key
        try:
            return ox.Variable(name).value
        except ValueError:
            pass
    raise InputError(f"{key!r} is not a SPARQL variable name", field="substitutions")


def term_text(term: object, *, what: str = "substitutions") -> str:
    """A term as SPARQL text: an IRI or a literal in its escaped N-Triples form."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    if isinstance(term, ox.BlankNode):
        raise InputError(
            "a blank node cannot be sent to a remote store (its label means nothing there)",
            field=what,
        )
    raise InputError(f"expected an IRI or a literal, got {term!r}", field=what)


def with_values(sparql: str, substitutions: Mapping) -> str:
    """`sparql` with a trailing VALUES clause binding each substituted variable to its term."""
    if not substitutions:
        return sparql
    names, terms = [], []
    for key, term in substitutions.items():
        names.append("?" + variable_name(key))
        terms.append(term_text(term))
    if has_trailing_values(sparql):
        raise InputError(
            "this query ends with its own VALUES clause, so substitutions cannot be added to it "
            "for a remote store; put the values in the query instead",
            field="substitutions",
        )
    return f"{sparql}\nVALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}\n"


def base_declaration(base_iri: str | None) -> str:
    """A BASE declaration to put in front of a query ("" for none); no newline, so that the
    server's line numbers stay those of the caller's text."""
    if base_iri is None:
        return ""
    try:
        base = ox.NamedNode(base_iri)
    except ValueError as exc:
        raise InputError(f"invalid base IRI {base_iri!r}: {exc}", field="base_iri") from exc
    return f"BASE {base} "


# -- updates ---------------------------------------------------------------------------------


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """An INSERT DATA operation for `quads`, grouped by graph ("" when there are none)."""
    by_graph: dict[object, list[ox.Triple]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name, []).append(quad.triple)
    if not by_graph:
        return ""
    parts = ["INSERT DATA {\n"]
    for graph, triples in by_graph.items():
        body = ntriples(triples).decode()
        if isinstance(graph, ox.DefaultGraph):
            parts.append(body)
        else:
            parts.append(f"GRAPH {term_text(graph, what='graph')} {{\n{body}}}\n")
    parts.append("}")
    return "".join(parts)


def replace_graph_update(graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> str:
    """One update request that empties `graph` and fills it with `quads` (all in `graph`)."""
    drop = f"DROP SILENT GRAPH {term_text(graph, what='graph')}"
    insert = insert_data(quads)
    return f"{drop} ;\n{insert}" if insert else drop


def replace_graphs_update(drop: Iterable[ox.NamedNode], quads: Iterable[ox.Quad]) -> str:
    """One update request that drops the graphs `drop` and then inserts `quads`."""
    operations = [f"DROP SILENT GRAPH {term_text(g, what='graph')}" for g in drop]
    insert = insert_data(quads)
    if insert:
        operations.append(insert)
    return " ;\n".join(operations)


# FROM as a word, not a variable (?from): a query without it has no dataset clause.
_FROM_WORD = re.compile(r"(?<![?$\w])from\b", re.IGNORECASE)


def has_dataset_clause(sparql: str) -> bool:
    """True when the query names its own dataset (FROM or FROM NAMED, outside strings,
    IRIs and comments)."""
    if "from" not in sparql.lower() or _FROM_WORD.search(sparql) is None:
        return False  # most queries: no need to tokenise
    return any(match.lastgroup == "word" and match.group().upper() == "FROM"
               for match in _TOKENS.finditer(sparql))
