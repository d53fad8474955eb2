"""Validate modelgraph data against the SHACL shapes (shapes/*.ttl) under the ontology.

What is checked where:

* Each source page's named graph is checked on its own against every shape: a page must be
  internally consistent. Findings name that page's source id.
* The SHACL-SPARQL constraints (dates of related models, ...) are also checked on all pages
  together. A finding no single page produces combines facts from several pages (a successor
  dated by one page, its predecessor by another): it is reported as a Warning naming every
  page involved, since either page may be right.
* `extra_issues` (the pipeline's source conflicts) are added to the report as they are;
  those without a constraint IRI get mg:ConflictConstraintComponent (CONFLICT_COMPONENT).

`conforms` is True iff there is no Violation; warnings are allowed (sh:conforms in the
report graph says the same, like pyshacl's allow_warnings).

Pages are checked in batches with pyshacl (see `shacl.core`) and without inference; the
ontology contributes its rdfs:subClassOf triples only. A page's SHACL Core findings are
cached by the page's content, so a rebuild re-checks only the pages that changed.

The graph named by the ontology IRI (the ontology itself, as the pipeline stores it) is not
data and is not checked. Triples in the default graph belong to the source given as
`source` (validate_rdf) or "default" (validate_quads).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Collection, Iterable, MutableMapping
from dataclasses import dataclass, field, replace
from functools import cache
from urllib.parse import quote

import pyoxigraph as ox
import pyshacl
import rdflib
import rdflib.collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from .errors import InputError, RdfSyntaxError
from .exports import CONTEXT_IRI, with_own_context
from .resources import ontology_path, shapes_dir
from .shacl import core, sparql
from .shacl.issues import SEVERITIES, ValidationIssue
from .shacl.terms import from_ntriples, node_from_id, node_id, quiet_rdflib
from .vocab import DERIVED, MG, ONTOLOGY_IRI, PREFIXES, SOURCE

__all__ = [
    "CONFLICT_COMPONENT",
    "FORMATS",
    "ValidationIssue",
    "ValidationReport",
    "load_shapes",
    "validate_quads",
    "validate_rdf",
]

# The sh:sourceConstraintComponent of extra issues that name none (declared in the ontology).
CONFLICT_COMPONENT = MG.ConflictConstraintComponent.value
SHAPES_NS = sparql.SHAPES_NS
PROV_DERIVED_FROM = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
DEFAULT_SOURCE = "default"
REPORT_PREFIXES = {**PREFIXES, "mgsh": SHAPES_NS}
JSONLD_CONTEXT = {
    "sh": str(SH),
    "mg": MG.iri,
    "mgsh": SHAPES_NS,
    "src": SOURCE,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
}
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_CORE_CACHE_SIZE = 50_000
_ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY_IRI)
# Not sources: the ontology, and what derive.py computes from the sources after each write
_NOT_SOURCES = frozenset({_ONTOLOGY_GRAPH, ox.NamedNode(DERIVED)})
# Targets every subject of a property the shapes constrain: its class must be on its page.
DESCRIBED_CLASS = rdflib.URIRef(SHAPES_NS + "Described-class")
ONTOLOGY_CLASS = rdflib.URIRef(SHAPES_NS + "OntologyClass")


# -- the report ------------------------------------------------------------------------------
@dataclass
class ValidationReport:
    conforms: bool  # True iff no Violation (warnings allowed)
    issues: list[ValidationIssue]
    graph: rdflib.Graph = field(repr=False)  # an sh:ValidationReport graph
    # findings not listed (see `about`), counted by severity
    left_out: dict[str, int] = field(default_factory=dict)

    def about(self, source_ids: Collection[str]) -> ValidationReport:
        """This report cut to what concerns `source_ids` (e.g. the sources a write
        replaces): every violation (any one refuses the data), and the warnings and infos
        that name one of those sources; the others are counted in `left_out`, not listed."""
        wanted = set(source_ids)
        kept, left_out = [], dict.fromkeys(SEVERITIES, 0)
        for issue in self.issues:
            if issue.severity == "Violation" or wanted.intersection(issue.source_ids):
                kept.append(issue)
            else:
                left_out[issue.severity] += 1
        left_out = {severity: n for severity, n in left_out.items() if n}
        for severity, n in self.left_out.items():
            left_out[severity] = left_out.get(severity, 0) + n
        with quiet_rdflib():
            graph = _report_graph(self.conforms, kept, {})
        return ValidationReport(self.conforms, kept, graph, left_out)

    def violations(self) -> list[ValidationIssue]:
        return [issue for issue in self.issues if issue.severity == "Violation"]

    def warnings(self) -> list[ValidationIssue]:
        return [issue for issue in self.issues if issue.severity == "Warning"]

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for i in self.issues if i.severity == s) for s in SEVERITIES}

    def to_text(self) -> str:
        """Grouped by severity, then source, then focus node."""
        counts = self.counts()
        status = "conforms" if self.conforms else "does not conform"
        summary = ", ".join(f"{n} {_plural(s, n).lower()}" for s, n in counts.items())
        lines = [f"Validation report: {status} ({summary})"]
        if self.left_out:
            lines.append(f"Not listed: {_left_out_text(self.left_out)} about other sources")
        for severity in SEVERITIES:
            group = [issue for issue in self.issues if issue.severity == severity]
            if not group:
                continue
            lines += ["", f"{_plural(severity, 2)} ({len(group)})"]
            by_source: dict[str, list[ValidationIssue]] = {}
            for issue in group:
                by_source.setdefault(", ".join(issue.source_ids) or "(no source)", []).append(issue)
            for source in sorted(by_source):
                label = "sources" if "," in source else "source"
                lines.append(f"  {label} {source}")
                by_focus: dict[str, list[ValidationIssue]] = {}
                for issue in by_source[source]:
                    by_focus.setdefault(issue.focus_node, []).append(issue)
                for focus in sorted(by_focus):
                    where = by_focus[focus][0].locator
                    lines.append(f"    {_compact(focus)}" + (f" (at {where})" if where else ""))
                    for issue in by_focus[focus]:
                        lines += _issue_lines(issue)
        return "\n".join(lines) + "\n"

    def to_turtle(self) -> str:
        return self.graph.serialize(format="turtle")

    def to_jsonld(self) -> str:
        return self.graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)

    def to_json(self) -> dict:
        """`violations` and `warnings` count the `issues` listed; `left_out` (only in a
        report cut by `about`) counts the findings about other sources not listed, as
        ``{"warnings": n, "infos": n}``."""
        counts = self.counts()
        data = {
            "conforms": self.conforms,
            "violations": counts["Violation"],
            "warnings": counts["Warning"],
            "issues": [issue.to_dict() for issue in self.issues],
        }
        if self.left_out:
            data["left_out"] = {_plural(severity, 2).lower(): n
                                for severity, n in self.left_out.items()}
        return data

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)


def _left_out_text(left_out: dict[str, int]) -> str:
    return " and ".join(f"{n} {_plural(severity, n).lower()}" for severity, n in left_out.items())


def _plural(severity: str, n: int) -> str:
    if n == 1:
        return severity
    return {"Info": "Infos"}.get(severity, severity + "s")


def _issue_lines(issue: ValidationIssue) -> list[str]:
    what = _compact(issue.path) if issue.path else "(the node itself)"
    if issue.value is not None:
        what += f" = {_compact_value(issue.value)}"
    rule = [_compact(issue.constraint)] if issue.constraint else []
    if issue.shape:
        rule.append(f"shape {_compact(issue.shape)}")
    lines = [f"      {what}", f"        {issue.message}"]
    if rule:
        lines.append(f"        [{'; '.join(rule)}]")
    return lines


def _compact(iri: str) -> str:
    for prefix, namespace in sorted(REPORT_PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri if iri.startswith("_:") else f"<{iri}>"


def _compact_value(value: str) -> str:
    if value.startswith("<") and value.endswith(">"):
        return _compact(value[1:-1])
    if "^^<" in value and value.endswith(">"):
        lexical, datatype = value.rsplit("^^<", 1)
        return f"{lexical}^^{_compact(datatype[:-1])}"
    return value


# -- shapes and ontology ---------------------------------------------------------------------
@cache
def load_shapes() -> rdflib.Graph:
    """All shapes (shapes/*.ttl) in one graph. Cached and shared: do not modify it."""
    graph = rdflib.Graph()
    files = sorted(shapes_dir().glob("*.ttl"))
    if not files:
        raise FileNotFoundError(f"no shapes (*.ttl) in {shapes_dir()}")
    for path in files:
        graph.parse(path, format="turtle")
    return graph


@cache
def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path(), format="turtle")


@dataclass(frozen=True)
class _Checks:
    core_shapes: rdflib.Graph  # the shapes without their SPARQL constraints, for pyshacl
    hierarchy: tuple  # rdfs:subClassOf triples of the ontology
    sparql: tuple[sparql.SparqlConstraint, ...]
    digest: str  # of everything above: part of every cache key


@cache
def _checks() -> _Checks:
    shapes = load_shapes()
    core_shapes = rdflib.Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core_shapes.add(triple)
    for triple in pyshacl.ShapesGraph.system_triples:  # pyshacl adds them on every run
        core_shapes.add(triple)
    for path in set(shapes.objects(None, SH.path)):  # see mgsh:Described-class in core.ttl
        if isinstance(path, rdflib.URIRef) and path != RDF.type:
            core_shapes.add((DESCRIBED_CLASS, SH.targetSubjectsOf, path))
    ontology = _ontology()  # parsed once for both uses
    classes = rdflib.BNode()
    rdflib.collection.Collection(core_shapes, classes, sorted(
        c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, rdflib.URIRef)))
    core_shapes.add((ONTOLOGY_CLASS, SH["in"], classes))
    hierarchy = tuple(
        (s, RDFS.subClassOf, o)
        for s, o in ontology.subject_objects(RDFS.subClassOf)
        if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef)
    )
    subclasses: dict[str, set[str]] = {}
    for s, _, o in hierarchy:
        subclasses.setdefault(str(o), {str(o)}).add(str(s))
    for _ in range(len(subclasses)):  # transitive closure (the hierarchy is small)
        for subs in subclasses.values():
            subs |= {x for sub in list(subs) for x in subclasses.get(sub, ())}
    texts = [p.read_bytes() for p in sorted(shapes_dir().glob("*.ttl"))]
    digest = hashlib.sha256(b"\0".join(texts + [ontology_path().read_bytes()])).hexdigest()
    constraints = tuple(sparql.constraints_from(shapes, subclasses))
    return _Checks(core_shapes, hierarchy, constraints, digest)


# -- validation ------------------------------------------------------------------------------
_core_cache: MutableMapping[str, tuple[ValidationIssue, ...]] = OrderedDict()


def validate_quads(
    quads: Iterable[ox.Quad],
    *,
    extra_issues: Iterable[ValidationIssue] = (),
    cache: MutableMapping[str, tuple[ValidationIssue, ...]] | None = None,
) -> ValidationReport:
    """Validate source graphs (one named graph per source page).

    `cache` maps a page-content digest to that page's SHACL Core findings (pass a persistent
    mapping to keep it across processes); by default an in-process cache is used.
    """
    return _validate(quads, DEFAULT_SOURCE, list(extra_issues), cache)


def validate_rdf(data: str | bytes, fmt: str, *, source: str = "input",
                 context_urls: Collection[str] = ()) -> ValidationReport:
    """Parse RDF text (turtle, trig, nquads, ntriples, jsonld, rdfxml) and validate it.

    Unparsable text raises RdfSyntaxError with line and column. Remote JSON-LD contexts are
    never fetched (a document that needs one is an error), except `context_urls`: where the
    service publishes its own context, put inline.
    """
    return _validate(parse_rdf(data, fmt, source=source, context_urls=context_urls),
                     source, [], None)


def parse_rdf(data: str | bytes, fmt: str, *, source: str = "input",
              context_urls: Collection[str] = ()) -> list[ox.Quad]:
    rdf_format = FORMATS.get(fmt.lower().replace("-", "").replace("/", ""))
    if rdf_format is None:
        raise InputError(
            f"unknown RDF format {fmt!r}; use one of {', '.join(FORMATS)}", source=source,
            field="format",
        )
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if rdf_format == ox.RdfFormat.JSON_LD:
        raw = with_own_context(raw, context_urls)
    try:
        quads = list(ox.parse(raw, format=rdf_format))
    except SyntaxError as exc:
        message = exc.msg or str(exc)
        if message.startswith("Parser error") and ": " in message:
            message = message.split(": ", 1)[1]
        if "LoadDocumentCallback" in message:
            message = ("remote JSON-LD contexts are not fetched; put the @context inline "
                       "(modelgraph's own is ontology/context.jsonld), or name modelgraph's "
                       f"by {CONTEXT_IRI} (or, sent to the service, by its /context.jsonld "
                       "URL)")
        line, column = exc.lineno, exc.offset
        if line is None and rdf_format == ox.RdfFormat.RDF_XML:
            # pyoxigraph gives RDF/XML errors no position; expat finds the XML ones
            line, column = (_xml_problem(raw) or ("", None, None))[1:]
        raise RdfSyntaxError(
            f"not valid {fmt}: {message}", source=source, line=line, column=column
        ) from None
    except ValueError as exc:
        raise RdfSyntaxError(f"not valid {fmt}: {exc}", source=source) from None
    if rdf_format == ox.RdfFormat.RDF_XML:
        problem = _xml_problem(raw)  # pyoxigraph reads a document cut between tags
        if problem is not None:
            raise RdfSyntaxError(f"not valid {fmt}: {problem[0]}", source=source,
                                 line=problem[1], column=problem[2])
    return quads


def _xml_problem(raw: bytes) -> tuple[str, int, int] | None:
    """Where `raw` stops being well-formed XML, as expat reads it (it fetches nothing):
    what is wrong, line, column (1-based); None if it is well-formed."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        cut_short = {
            expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]:
                "the file ends before its elements are closed (at the end of the file): "
                "is it cut short?",
            expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN]:
                "a tag that starts here is not closed before the end of the file: "
                "is it cut short?",
        }
        return cut_short.get(exc.code, expat.ErrorString(exc.code)), exc.lineno, exc.offset + 1
    return None


def _validate(quads, default_source: str, extra: list[ValidationIssue], cache) -> ValidationReport:
    checks = _checks()
    pages, graph_of, store = _pages(quads, default_source)
    issues = _core_issues(pages, checks, _core_cache if cache is None else cache)
    source_of = {graph: source for source, graph in graph_of.items()}
    issues += sparql.evaluate(store, checks.sparql, source_of)
    issues = _located(_merged(issues), pages) + [
        issue if issue.constraint else replace(issue, constraint=CONFLICT_COMPONENT)
        for issue in extra
    ]
    conforms = not any(issue.severity == "Violation" for issue in issues)
    with quiet_rdflib():
        graph = _report_graph(conforms, issues, graph_of)
    return ValidationReport(conforms, issues, graph)


def _located(issues: list[ValidationIssue], pages: dict) -> list[ValidationIssue]:
    """Each issue from one source with where that source's page has its focus node (the
    extractor's mg:locator: the line and field of an offer or a result, a record)."""
    if not any(len(issue.source_ids) == 1 for issue in issues):
        return issues  # nothing to locate: no need to look through the pages
    locators = {(source, node_id(quad.subject)): quad.object.value
                for source, quads in pages.items() for quad in quads
                if quad.predicate == MG.locator and isinstance(quad.object, ox.Literal)}
    return [replace(issue, locator=locators.get((issue.source_ids[0], issue.focus_node)))
            if len(issue.source_ids) == 1 else issue for issue in issues]


def _pages(quads, default_source: str):
    """Quads per source id, the graph name of each source, and a store of all data."""
    pages: dict[str, list] = {}
    graph_of: dict[str, ox.NamedNode | ox.BlankNode] = {}
    source_of: dict = {}
    default_graph = ox.NamedNode(SOURCE + quote(default_source, safe=""))
    data = []
    for quad in quads:
        graph = quad.graph_name
        if graph in _NOT_SOURCES:
            continue
        if isinstance(graph, ox.DefaultGraph):
            graph = default_graph
            quad = ox.Quad(quad.subject, quad.predicate, quad.object, graph)
            source = source_of.setdefault(graph, default_source)
        else:
            source = source_of.get(graph) or source_of.setdefault(graph, _source_id(graph))
        graph_of.setdefault(source, graph)
        pages.setdefault(source, []).append(quad)
        data.append(quad)
    store = ox.Store()
    store.bulk_extend(data)
    return pages, graph_of, store


def _source_id(graph) -> str:
    if isinstance(graph, ox.NamedNode):
        iri = graph.value
        return iri[len(SOURCE):] if iri.startswith(SOURCE) and len(iri) > len(SOURCE) else iri
    return str(graph)


def _core_issues(pages, checks: _Checks, cache) -> list[ValidationIssue]:
    digests = {source: _digest(quads, checks.digest) for source, quads in pages.items()}
    known = {d: cache[d] for d in set(digests.values()) if d in cache}
    missing = {source: pages[source] for source, d in digests.items() if d not in known}
    if missing:
        found = core.check_pages(missing, checks.core_shapes, checks.hierarchy)
        for source, issues in found.items():
            known[digests[source]] = cache[digests[source]] = tuple(issues)
        if isinstance(cache, OrderedDict):
            while len(cache) > _CORE_CACHE_SIZE:
                cache.popitem(last=False)
    return [
        replace(issue, source_ids=(source,))
        for source, digest in digests.items()
        for issue in known[digest]
    ]


def _digest(quads, checks_digest: str) -> str:
    lines = sorted(f"{q.subject} {q.predicate} {q.object}" for q in quads)
    return hashlib.sha256("\n".join([checks_digest, *lines]).encode()).hexdigest()


def _merged(issues: list[ValidationIssue]) -> list[ValidationIssue]:
    """One issue per finding, naming every page that has it; most severe first."""
    sources: dict[ValidationIssue, set[str]] = {}
    for issue in issues:
        sources.setdefault(replace(issue, source_ids=()), set()).update(issue.source_ids)
    merged = [replace(issue, source_ids=tuple(sorted(ids))) for issue, ids in sources.items()]
    return sorted(
        merged,
        key=lambda i: (i.rank, i.source_ids, i.focus_node, i.path or "", i.value or "", i.message),
    )


def _report_graph(conforms: bool, issues: list[ValidationIssue], graph_of) -> rdflib.Graph:
    graph = rdflib.Graph()
    for prefix, namespace in REPORT_PREFIXES.items():
        graph.bind(prefix, namespace)
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, rdflib.Literal(conforms)))
    for issue in issues:
        result = rdflib.BNode()
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, SH[issue.severity]))
        graph.add((result, SH.focusNode, node_from_id(issue.focus_node)))
        if issue.path:
            graph.add((result, SH.resultPath, rdflib.URIRef(issue.path)))
        if issue.value is not None:
            graph.add((result, SH.value, from_ntriples(issue.value)))
        graph.add((result, SH.resultMessage, rdflib.Literal(issue.message)))
        if issue.shape:
            graph.add((result, SH.sourceShape, rdflib.URIRef(issue.shape)))
        graph.add((result, SH.sourceConstraintComponent, rdflib.URIRef(issue.constraint)))
        for source in issue.source_ids:
            graph.add((result, PROV_DERIVED_FROM, _graph_iri(source, graph_of)))
    return graph


def _graph_iri(source: str, graph_of) -> rdflib.term.Node:
    graph = graph_of.get(source)
    if isinstance(graph, ox.NamedNode):
        return rdflib.URIRef(graph.value)
    if isinstance(graph, ox.BlankNode):
        return rdflib.BNode(graph.value)
    if "://" in source or source.startswith("urn:"):
        return rdflib.URIRef(source)
    return rdflib.URIRef(SOURCE + quote(source, safe=""))
