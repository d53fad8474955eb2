"""The W3C SPARQL 1.1 Protocol tests (w3c/protocol-manifest.ttl) as typed requests and
checks: the manifest says, in the W3C HTTP vocabulary, which requests to send and what a
conforming service answers; nothing here restates a test."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "w3c" / "protocol-manifest.ttl"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/"
# requests in the manifest address the endpoint as /sparql/; ours is /sparql
MANIFEST_ENDPOINT = "/sparql/"
ENDPOINT = "/sparql"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"

STATUS_CLASSES = {HT.StatusCode2xx: 2, HT.StatusCode3xx: 3, HT.StatusCode4xx: 4,
                  HT.StatusCode5xx: 5}
BOOLEAN_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                 "application/sparql-results+xml": ox.QueryResultsFormat.XML}
TABULAR_TYPES = {**BOOLEAN_TYPES,
                 "text/csv": ox.QueryResultsFormat.CSV,
                 "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/rdf+xml": ox.RdfFormat.RDF_XML,
             "application/ld+json": ox.RdfFormat.JSON_LD}


@dataclass(frozen=True)
class Expected:
    status_classes: frozenset[int]  # 2 for 2xx, ...
    format: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None
    expectation: str | None = None  # a sentence; see EXPECTATIONS


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path and query string, on our endpoint
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class ProtocolTest:
    name: str  # the manifest's local name, e.g. query_post_form
    title: str
    graphs: tuple[str, ...]  # named graphs the test needs, each holding `<graph> a foaf:Document`
    requests: tuple[Request, ...]

    def data(self) -> list[ox.Quad]:
        """The test's graph data. The suite's data files (data1.nt, ...) are not published
        with it; what the tests ask of them is that each describes itself as a document."""
        return [ox.Quad(ox.NamedNode(g), ox.NamedNode(str(RDF.type)), ox.NamedNode(FOAF_DOCUMENT),
                        ox.NamedNode(g)) for g in self.graphs]


def load(path: Path = MANIFEST) -> list[ProtocolTest]:
    graph = Graph().parse(path, format="turtle", publicID=BASE + "manifest.ttl")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    return [_test(graph, entry) for entry in entries]


def _test(graph: Graph, entry: URIRef) -> ProtocolTest:
    action = graph.value(entry, MF.action)
    requests = Collection(graph, graph.value(action, HT.requests))
    return ProtocolTest(
        name=str(entry).rsplit("#", 1)[1],
        title=str(graph.value(entry, MF.name)),
        graphs=tuple(sorted(str(graph.value(data, RDFS.label))
                            for data in graph.objects(entry, UT.graphData))),
        requests=tuple(_request(graph, node) for node in requests),
    )


def _request(graph: Graph, node) -> Request:
    path = str(graph.value(node, HT.absolutePath))
    assert path.startswith(MANIFEST_ENDPOINT), path
    headers = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    content = graph.value(node, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding))
        body = str(graph.value(content, CNT.chars)).encode(encoding)  # UTF-16: with a BOM
    response = graph.value(node, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    expected_format = graph.value(response, MF.expectedFormat)
    expectation = graph.value(response, MF.expectation)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        target=ENDPOINT + path[len(MANIFEST_ENDPOINT):],
        headers=headers,
        body=body,
        expected=Expected(
            status_classes=frozenset(STATUS_CLASSES[s]
                                     for s in graph.objects(response, MF.expectedStatus)),
            format=None if expected_format is None else str(expected_format),
            boolean=None if boolean is None else boolean.toPython(),
            expectation=None if expectation is None else str(expectation),
        ),
    )


def problems(expected: Expected, status: int, content_type: str | None,
             body: bytes) -> list[str]:
    """How an answer falls short of what the test expects (empty: it conforms)."""
    if status // 100 not in expected.status_classes:
        wanted = " or ".join(f"{c}xx" for c in sorted(expected.status_classes))
        return [f"status {status}, expected {wanted}: {body[:300]!r}"]
    media_type = (content_type or "").split(";")[0].strip().lower()
    found: list[str] = []
    if expected.format == "boolean":
        found += _boolean_problems(expected, media_type, body)
    elif expected.format == "tabular":
        found += _results_problems(media_type, body, TABULAR_TYPES, "tabular results")
    elif expected.format == "RDF":
        if media_type not in RDF_TYPES:
            found.append(f"Content-Type {media_type!r} is not an RDF media type")
        else:
            try:
                list(ox.parse(body, format=RDF_TYPES[media_type]))
            except SyntaxError as exc:
                found.append(f"the {media_type} answer does not parse: {exc}")
    if expected.expectation is not None and not found:
        check = EXPECTATIONS.get(expected.expectation)
        if check is None:
            found.append(f"no check written for the expectation {expected.expectation!r}")
        else:
            found += check(_results(media_type, body, TABULAR_TYPES))
    return found


def _boolean_problems(expected: Expected, media_type: str, body: bytes) -> list[str]:
    found = _results_problems(media_type, body, BOOLEAN_TYPES, "boolean results")
    if found:
        return found
    results = _results(media_type, body, BOOLEAN_TYPES)
    if not isinstance(results, ox.QueryBoolean):
        return [f"a {media_type} answer that is not a boolean"]
    if expected.boolean is not None and bool(results) != expected.boolean:
        return [f"answered {bool(results)}, expected {expected.boolean}"]
    return []


def _results_problems(media_type: str, body: bytes, types: dict, what: str) -> list[str]:
    if media_type not in types:
        return [f"Content-Type {media_type!r} is not a media type for {what}"]
    try:
        _results(media_type, body, types)
    except SyntaxError as exc:
        return [f"the {media_type} answer does not parse: {exc}"]
    return []


def _results(media_type: str, body: bytes, types: dict):
    results = ox.parse_query_results(body, format=types[media_type])
    if isinstance(results, ox.QuerySolutions):
        variables = results.variables
        return [{v.value: s[v] for v in variables if s[v] is not None} for s in results]
    return results


def _one_iri_that_is_not_test(rows) -> list[str]:
    if not isinstance(rows, list) or len(rows) != 1:
        return [f"expected one result, got {rows!r}"]
    value = rows[0].get("o")
    if not isinstance(value, ox.NamedNode):
        return [f"?o is {value!r}, expected an IRI"]
    if value.value == "test":
        return ["?o is the relative IRI <test>: the update was not resolved against a base"]
    return []


# The manifest states this one expectation in prose; its check is written here, by its text.
EXPECTATIONS = {
    "one result with `?o` bound to an IRI that is _not_ `<test>`": _one_iri_that_is_not_test,
}

