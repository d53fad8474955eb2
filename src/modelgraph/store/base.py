"""What every store offers: the `Store` protocol, and helpers shared by its implementations.

Two implementations: `EmbeddedStore` (pyoxigraph, in memory or on disk in generations) and
`RemoteStore` (a SPARQL 1.1 server over HTTP). Callers type against `Store` and never ask
which one they have.

Conventions every implementation keeps:

* modelgraph's data lives in named graphs, one per source page (plus the ontology's graph);
  a query's default graph is, unless asked otherwise, the union of all graphs;
* query results are pyoxigraph objects: `QuerySolutions` (SELECT), `QueryBoolean` (ASK),
  `QueryTriples` (CONSTRUCT / DESCRIBE);
* a write is all or nothing for readers: they see the store before it or after it, never
  a graph half replaced (see each implementation for what "reader" covers);
* failures are `modelgraph.errors` exceptions: `QuerySyntaxError` for a query that does not
  parse, `StoreError` when the store cannot be read or written, `InputError` for arguments
  that cannot be honoured.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import pyoxigraph as ox

from ..errors import InputError

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
"""What `Store.query` returns, by query form."""


@runtime_checkable
class Store(Protocol):
    """A dataset of named graphs that can be queried with SPARQL and rewritten graph by graph."""

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        substitutions: dict | None = None,
        default_graph: list | None = None,
        named_graphs: list | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Evaluate a SPARQL query.

        `union_default_graph`: the default graph is the union of every graph (the usual case;
        ignored when `default_graph` is given, or when the query names its own dataset with
        FROM / FROM NAMED). `substitutions` maps each `Variable` to a
        term: the query is evaluated with the variable bound to it; a SELECT must project
        the variable. `default_graph` / `named_graphs` set the query's dataset
        explicitly, as the SPARQL protocol's default-graph-uri / named-graph-uri do.
        """
        ...

    def named_graphs(self) -> list[ox.NamedNode]:
        """Every named graph that holds at least one triple, sorted by IRI."""
        ...

    def quads(self, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
        """Every quad, or the quads of one graph."""
        ...

    def count(self, graph: ox.NamedNode | None = None) -> int:
        """How many quads: all of them, or those of one graph."""
        ...

    def dump(self, fmt: ox.RdfFormat, graph: ox.NamedNode | None = None) -> bytes:
        """The dataset (quad formats; triple formats get the merged triples) or one graph."""
        ...

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        """Make `graph` hold exactly `quads` (triples, or quads of that graph), atomically.

        An empty `quads` removes the graph.
        """
        ...

    def replace_graphs(self, graphs: dict[ox.NamedNode, Iterable[ox.Quad | ox.Triple]]) -> None:
        """Replace several graphs as `replace_graph` does, in one write (an ingest of many
        sources); every graph is checked before anything is written."""
        ...

    def remove_graph(self, graph: ox.NamedNode) -> None:
        """Remove `graph` and its triples; removing a graph that is not there does nothing."""
        ...

    def exclusive(self) -> AbstractContextManager[None]:
        """A block in which this writer reads the store and writes what it computed from it,
        with no other writer's change in between (or, where the store cannot promise that,
        none written over unseen: see each implementation)."""
        ...

    def replace_dataset(self, quads: Iterable[ox.Quad]) -> None:
        """Make the store hold exactly `quads`, replacing everything."""
        ...

    def close(self) -> None:
        """Release the store (files, connections); the object is unusable afterwards."""
        ...


# -- helpers shared by the implementations ------------------------------------------------------


def require_named_graph(graph: object) -> ox.NamedNode:
    """`graph` if it is a named graph's name; an InputError naming it otherwise."""
    if not isinstance(graph, ox.NamedNode):
        raise InputError(
            f"a graph to write must be named by an IRI (a NamedNode), not {graph!r}",
            field="graph",
        )
    return graph


def quads_in_graph(
    graph: ox.NamedNode, items: Iterable[ox.Quad | ox.Triple]
) -> Iterator[ox.Quad]:
    """`items` as quads of `graph`: triples are placed in it; a quad of another graph is refused."""
    for item in items:
        if isinstance(item, ox.Triple):
            yield ox.Quad(item.subject, item.predicate, item.object, graph)
        elif isinstance(item, ox.Quad):
            if item.graph_name != graph:
                raise InputError(
                    f"a quad of graph {item.graph_name} was given to replace graph {graph}: {item}",
                    field="quads",
                )
            yield item
        else:
            raise InputError(f"expected a Quad or a Triple, got {item!r}", field="quads")


def serialize_quads(
    quads: Iterable[ox.Quad],
    fmt: ox.RdfFormat,
    graph: ox.NamedNode | None,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Serialise like `Store.dump`: a dataset in a quad format, else triples.

    With no `graph` and a triple format, the triples of every graph are merged (each once).
    """
    if graph is not None:
        quads = (q for q in quads if q.graph_name == graph)
    if not fmt.supports_datasets:
        triples = dict.fromkeys(q.triple for q in quads)
        return ox.serialize(list(triples), format=fmt, prefixes=prefixes)
    return ox.serialize(list(quads), format=fmt, prefixes=prefixes)
