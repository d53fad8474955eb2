"""The SPARQL 1.1 Service Description served at the endpoint URL (GET without a query).

It says what a client needs to write its first query: the endpoint, the languages, the
result formats, that the default graph is the union of all named graphs
(sd:UnionDefaultGraph: the sources', the ontology's and the derived graph) and each named
graph with its size.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..vocab import DERIVED, ONTOLOGY_IRI, SOURCE
from .negotiation import FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {"sd": SD, "void": VOID, "dcterms": DCTERMS}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe(
    endpoint: str,
    named_graphs: dict[str, int],
    *,
    updates_enabled: bool,
    service_calls_enabled: bool,
) -> list[ox.Triple]:
    """Triples describing the service at `endpoint`; `named_graphs` maps IRI -> triples."""
    service = ox.NamedNode(endpoint + "#service")
    out: list[ox.Triple] = []

    def add(s, p, o) -> None:
        out.append(ox.Triple(s, p, o))

    add(service, RDF_TYPE, _sd("Service"))
    add(service, _sd("endpoint"), ox.NamedNode(endpoint))
    add(service, ox.NamedNode(DCTERMS + "title"), ox.Literal("modelgraph SPARQL endpoint"))
    add(service, _sd("supportedLanguage"), _sd("SPARQL11Query"))
    if updates_enabled:
        add(service, _sd("supportedLanguage"), _sd("SPARQL11Update"))
    add(service, _sd("feature"), _sd("UnionDefaultGraph"))
    if service_calls_enabled:
        add(service, _sd("feature"), _sd("BasicFederatedQuery"))
    for fmt in FORMATS:
        if fmt.iri:
            add(service, _sd("resultFormat"), ox.NamedNode(fmt.iri))

    dataset = ox.BlankNode()
    add(service, _sd("defaultDataset"), dataset)
    add(dataset, RDF_TYPE, _sd("Dataset"))
    default_graph = ox.BlankNode()
    add(dataset, _sd("defaultGraph"), default_graph)
    add(default_graph, RDF_TYPE, _sd("Graph"))
    add(
        default_graph,
        ox.NamedNode(DCTERMS + "description"),
        ox.Literal(
            "The union of all named graphs: one per source (what that source says, "
            f"{SOURCE}ID), the ontology graph ({ONTOLOGY_IRI}) and the derived graph "
            f"({DERIVED}, computed from the sources)."
        ),
    )
    for iri, size in named_graphs.items():
        named = ox.BlankNode()
        graph = ox.BlankNode()
        add(dataset, _sd("namedGraph"), named)
        add(named, RDF_TYPE, _sd("NamedGraph"))
        add(named, _sd("name"), ox.NamedNode(iri))
        add(named, _sd("graph"), graph)
        add(graph, RDF_TYPE, _sd("Graph"))
        add(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(size), datatype=_XSD_INTEGER))
    return out


_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def serialize(triples: list[ox.Triple], rdf_format_name: str) -> bytes:
    fmt = getattr(ox.RdfFormat, rdf_format_name)
    return ox.serialize(triples, format=fmt, prefixes=PREFIXES)
