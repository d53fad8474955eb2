"""SHACL Core constraints, checked with pyshacl on each page's graph on its own.

Running pyshacl once per page costs about 6 ms of shapes-graph set-up per run, more than
checking a typical page. So pages are checked in batches: each page's entity IRIs and blank
nodes are made page-specific (``urn:modelgraph:page:{k}:`` + IRI) and the pages are put in
one rdflib graph, where no two pages share a node, which is exactly as if each were checked
alone. Class IRIs (objects of rdf:type) and predicates are left as they are; so are literals.
The ontology's rdfs:subClassOf triples are added to each batch, so that a node typed
mg:ModelSnapshot is checked as an mg:Model and satisfies sh:class mg:Model, without
pyshacl's ont_graph mixing (which copies the data graph) or any inference.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

from .issues import ValidationIssue
from .terms import literal_to_rdflib, node_id, ntriples, quiet_rdflib, to_rdflib

BATCH_TRIPLES = 20_000
_PAGE_IRI = re.compile(r"^urn:modelgraph:page:(\d+):(.*)$", re.DOTALL)
_PAGE_BNODE = re.compile(r"^p(\d+)_(.*)$", re.DOTALL)
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
# pyshacl touches the shared shapes graph (system triples, prefixes) on every run; runs are
# CPU-bound under the GIL anyway, so one at a time costs nothing and keeps that safe.
_PYSHACL = threading.Lock()


def check_pages(
    pages: Mapping[str, Sequence[ox.Quad | ox.Triple]],
    shapes: rdflib.Graph,
    hierarchy: Iterable[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]],
) -> dict[str, list[ValidationIssue]]:
    """Issues per page key; each issue's source_ids is empty (the caller knows the page)."""
    hierarchy = list(hierarchy)
    keys = list(pages)
    found: dict[str, list[ValidationIssue]] = {key: [] for key in keys}
    literals: dict = {}  # literals are shared between pages (not made page-specific)
    for batch in _batches(keys, pages):
        data = rdflib.Graph()
        for triple in hierarchy:
            data.add(triple)
        with quiet_rdflib():
            for index in batch:
                _add_page(data, index, pages[keys[index]], literals)
            with _PYSHACL:
                _conforms, report, _text = pyshacl.validate(
                    data, shacl_graph=shapes, inference="none", inplace=True, advanced=False,
                    meta_shacl=False, abort_on_first=False, allow_warnings=False, debug=False,
                )
        for index, issue in _issues(report):
            found[keys[index]].append(issue)
    return found


def _batches(keys: list[str], pages: Mapping) -> Iterable[list[int]]:
    batch: list[int] = []
    size = 0
    for index, key in enumerate(keys):
        batch.append(index)
        size += len(pages[key])
        if size >= BATCH_TRIPLES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _add_page(data: rdflib.Graph, index: int, triples: Sequence, literals: dict) -> None:
    prefix = f"urn:modelgraph:page:{index}:"
    nodes: dict = {}  # ox node -> page-specific rdflib node

    def node(term):
        if isinstance(term, ox.Literal):
            converted = literals.get(term)
            if converted is None:
                converted = literals[term] = literal_to_rdflib(term)
            return converted
        converted = nodes.get(term)
        if converted is None:
            if isinstance(term, ox.NamedNode):
                converted = rdflib.URIRef(prefix + term.value)
            else:
                converted = rdflib.BNode(f"p{index}_{term.value}")
            nodes[term] = converted
        return converted

    predicates: dict = {}
    store = data.store  # Store.add directly: Graph.add only adds type assertions
    for triple in triples:
        predicate = predicates.get(triple.predicate)
        if predicate is None:
            predicate = predicates[triple.predicate] = to_rdflib(triple.predicate)
        obj = to_rdflib(triple.object) if triple.predicate == _RDF_TYPE else node(triple.object)
        store.add((node(triple.subject), predicate, obj), data, quoted=False)


def _original(term: rdflib.term.Node) -> tuple[int | None, rdflib.term.Node]:
    """(page index, term as the page wrote it) of a term of a batch graph."""
    if isinstance(term, rdflib.URIRef):
        match = _PAGE_IRI.match(str(term))
        if match:
            return int(match.group(1)), rdflib.URIRef(match.group(2))
    elif isinstance(term, rdflib.BNode):
        match = _PAGE_BNODE.match(str(term))
        if match:
            return int(match.group(1)), rdflib.BNode(match.group(2))
    return None, term


def _issues(report: rdflib.Graph) -> Iterable[tuple[int, ValidationIssue]]:
    for result in report.subjects(RDF.type, SH.ValidationResult):
        index, focus = _original(report.value(result, SH.focusNode))
        if index is None:  # not a page node: shapes must target data nodes only
            continue
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        constraint = report.value(result, SH.sourceConstraintComponent)
        message = report.value(result, SH.resultMessage)
        yield index, ValidationIssue(
            severity=_SEVERITIES.get(report.value(result, SH.resultSeverity), "Violation"),
            focus_node=node_id(focus),
            path=str(path) if isinstance(path, rdflib.URIRef) else None,
            value=ntriples(_original(value)[1]) if value is not None else None,
            message=str(message) if message is not None else "",
            source_ids=(),
            shape=str(shape) if isinstance(shape, rdflib.URIRef) else None,
            constraint=str(constraint) if constraint is not None else None,
        )
