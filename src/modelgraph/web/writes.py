"""Writes (SPARQL Update, Graph Store PUT/POST/DELETE) for holders of the admin token.

A write never touches the live graph: a worker applies the update to a *copy* of the live
generation (under the usual time limit) and returns it; the copy is validated against the
SHACL shapes and only a conforming copy becomes the next generation (atomically, as a
build does). A nonconforming one is refused with 422 and the validation report. An update
that changes the ontology graph or the derived graph (`PROTECTED_GRAPHS`) is refused with
400 before that: the worker compares them before and after (execution/evaluation.py). The
report of a refusal lists every violation and the warnings about the graphs the update
changed; those about the other graphs are counted (`left_out`), as for an ingest.

On a remote store the copy is made in memory from the server's data (execution/remote.py)
and a conforming result is written back as the graphs that changed, in one update request
(atomic on servers that run a request as one transaction, see docs/remote-stores.md). The
store's content fingerprint stands in for the generation: if it moved while the update
ran, nothing is written (409).
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool

from ..conflicts import find_conflicts
from ..derive import DERIVED_GRAPH, with_derived
from ..errors import InputError, ValidationFailed
from ..execution import Output, UpdateJob, check_update
from ..resources import ontology_graph_iri
from ..source_ids import id_of_graph
from ..store.base import Store
from ..store.embedded import EmbeddedStore
from .context import Service
from .errors import Conflict

_CHANGED = "the graph changed while the update ran; nothing was written, retry"
# Graphs no write may change, and why (ingest refuses them too): changed, the ontology
# would no longer be this release's (nor declare what conflicts are found on), and a
# derived graph written by hand would be replaced without a word by the recomputed one.
PROTECTED_GRAPHS: dict[str, str] = {
    ontology_graph_iri().value: "is the ontology shipped with this release of modelgraph",
    DERIVED_GRAPH.value: "is recomputed from the source graphs after every write",
}


async def apply_update(service: Service, sparql: str, *, base_iri: str | None = None) -> dict:
    """Apply `sparql` (already authorised) and return a summary of the new generation;
    relative IRIs in it are resolved against `base_iri` (the endpoint's URL)."""
    check_update(sparql, allow_service_calls=service.settings.allow_service_calls)
    job = UpdateJob(sparql, base_iri, protected=tuple(PROTECTED_GRAPHS.items()))
    output = await run_in_threadpool(service.executor.run, job)
    return await run_in_threadpool(_validate_and_write, service, output)


def _validate_and_write(service: Service, output: Output) -> dict:
    from ..validation import validate_quads  # pyshacl is heavy; only writers pay for it

    quads = list(ox.parse(output.body, format=ox.RdfFormat.N_QUADS))
    report = validate_quads(quads)
    if not report.conforms:
        # the report about the graphs changed: warnings about the others are only counted
        changed = changed_graphs(service.store_for_writes().quads(), quads)
        raise ValidationFailed(
            "the change would make the graph violate its shapes; nothing was written",
            report=report.about(_source_ids(changed)),
        )
    # warnings counted as /validation and an ingest count them: a disagreement between
    # sources is one (pipeline.conflict_issues)
    conflicts = find_conflicts(EmbeddedStore.memory(quads))
    stated = with_derived(quads)  # the derived graph is recomputed: closure, listings
    triples = sum(1 for q in stated if q.graph_name != DERIVED_GRAPH)
    with service.write_lock:
        generation = _commit(service.store_for_writes(), stated, output.generation)
    return {
        "generation": generation,
        "triples": triples,
        "warnings": report.counts().get("Warning", 0) + len(conflicts),
        "conflicts": len(conflicts),
    }


def _commit(store: Store, quads: list[ox.Quad], based_on: str | None) -> str | None:
    """Make `quads` the store's content unless it changed since `based_on`; the new
    generation (embedded) or content fingerprint (remote)."""
    if isinstance(store, EmbeddedStore):
        if store.generation != based_on:
            raise Conflict(_CHANGED)
        store.replace_dataset(quads)  # a whole new generation, switched atomically
        return store.generation
    if any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise InputError(
            "this service keeps its data on a triplestore in named graphs only, and the "
            "update writes to the default graph; put the triples in a GRAPH <...> { } block",
            source="update",
        )
    if store.fingerprint() != based_on:
        raise Conflict(_CHANGED)
    changed = changed_graphs(store.quads(), quads)
    if changed:
        store.replace_graphs(changed)
    return store.fingerprint()


def changed_graphs(before: list[ox.Quad], after: list[ox.Quad]) -> dict[ox.NamedNode, list]:
    """The graphs whose triples differ, each with its new quads (none: remove it). Both sides
    go through a pyoxigraph store, so literals are compared in one canonical form."""
    def by_graph(quads: list[ox.Quad]) -> dict:
        store = ox.Store()
        store.bulk_extend(quads)
        graphs: dict = {}
        for quad in store:
            graphs.setdefault(quad.graph_name, set()).add(quad)
        return graphs

    old, new = by_graph(before), by_graph(after)
    return {graph: sorted(new.get(graph, ()), key=str)
            for graph in old.keys() | new.keys() if old.get(graph) != new.get(graph)}


def _source_ids(graphs) -> set[str]:
    """The source ids validation gives these graphs (validation.py: a source graph's id, the
    default graph's "default", another graph's IRI)."""
    from ..validation import DEFAULT_SOURCE

    ids = set()
    for graph in graphs:
        if isinstance(graph, ox.DefaultGraph):
            ids.add(DEFAULT_SOURCE)
        elif isinstance(graph, ox.NamedNode):
            ids.add(id_of_graph(graph.value) or graph.value)
    return ids


def graph_update(graph: str, triples: list[ox.Triple], *, replace: bool) -> str:
    """The SPARQL Update equivalent of a Graph Store PUT (`replace`) or POST (add)."""
    parts = [f"DROP SILENT GRAPH <{graph}>"] if replace else []
    if triples:
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
    return " ;\n".join(parts) or f"CREATE SILENT GRAPH <{graph}>"
