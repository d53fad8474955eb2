"""SHACL-SPARQL constraints (sh:sparql with sh:select), evaluated in pyoxigraph.

pyshacl evaluates a SPARQL constraint once per focus node with rdflib's SPARQL engine,
milliseconds each: too slow for thousands of models. Here each constraint is one query over
all page graphs (wrapped in ``GRAPH ?g``: a page must be consistent on its own) and one over
their union. A union solution that no single page produces combines facts from several
pages: it is reported as at most a Warning, naming every page whose triples it rests on.
Shapes marked ``mgsh:scope mgsh:WholeCatalogue`` run on the union only, at their severity.

Supported (checked when the shapes load): sh:targetClass targets (with subclasses from the
ontology), sh:select queries of the form ``SELECT … WHERE { … }``, $this, $PATH for a
property shape with an IRI path, sh:prefixes, message templates with {?var} / {$var}.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from ..vocab import PREFIXES
from .issues import ValidationIssue
from .terms import node_id, ntriples

SHAPES_NS = "https://w3id.org/modelgraph/shapes#"
SCOPE = rdflib.URIRef(SHAPES_NS + "scope")
WHOLE_CATALOGUE = rdflib.URIRef(SHAPES_NS + "WholeCatalogue")
SPARQL_COMPONENT = str(SH.SPARQLConstraintComponent)
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_QUERY = re.compile(
    r"^\s*SELECT\s+(?P<distinct>(?:DISTINCT|REDUCED)\s+)?(?P<head>[^{]*?)\s*WHERE\s*"
    r"\{(?P<body>.*)\}\s*$",
    re.DOTALL | re.IGNORECASE,
)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_PREFIXED = re.compile(r"(?<![\w<\"'?$])([A-Za-z][\w-]*)?:([A-Za-z_][\w-]*)")
_IRI = re.compile(r"<([^<>\s]+)>")
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
# vocabulary terms read better as prefixed names in messages; entities keep their full IRI
_MESSAGE_PREFIXES = sorted(
    ((p, ns) for p, ns in PREFIXES.items() if p not in ("mgid", "src")), key=lambda p: -len(p[1])
)


class ShapeError(ValueError):
    """A shape this evaluator cannot run (it says which and why)."""


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str | None
    path: str | None
    severity: str
    message: str
    classes: tuple[str, ...]  # target classes and their subclasses
    variables: tuple[str, ...]  # projected, without '?'
    per_page_query: str
    union_query: str
    evidence_predicates: frozenset[str]
    whole_catalogue: bool


def constraints_from(
    shapes: rdflib.Graph, subclasses: Mapping[str, set[str]]
) -> list[SparqlConstraint]:
    """Every active SPARQL constraint of the shapes graph, ready to run."""
    found = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if _deactivated(shapes, shape) or _deactivated(shapes, constraint):
            continue
        found.append(_constraint(shapes, shape, constraint, subclasses))
    return sorted(found, key=lambda c: (c.shape or "", c.path or ""))


def _deactivated(graph: rdflib.Graph, node) -> bool:
    value = graph.value(node, SH.deactivated)
    return value is not None and value.toPython() is True


def _constraint(shapes, shape, constraint, subclasses) -> SparqlConstraint:
    name = str(shape)
    select = shapes.value(constraint, SH.select)
    if select is None:
        raise ShapeError(f"SPARQL constraint of shape <{name}> has no sh:select")
    match = _QUERY.match(str(select))
    if not match:
        raise ShapeError(f"the sh:select of shape <{name}> is not 'SELECT … WHERE {{ … }}'")
    other_targets = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    if any(shapes.value(shape, target) is not None for target in other_targets):
        raise ShapeError(f"shape <{name}> with sh:sparql may only use sh:targetClass targets")
    targets = [str(c) for c in shapes.objects(shape, SH.targetClass)]
    if not targets:
        raise ShapeError(f"shape <{name}> with sh:sparql has no sh:targetClass")
    classes = sorted({sub for c in targets for sub in subclasses.get(c, {c}) | {c}})
    path = shapes.value(shape, SH.path)
    if path is not None and not isinstance(path, rdflib.URIRef):
        raise ShapeError(f"shape <{name}>: only IRI paths are supported with sh:sparql")
    prefixes = _prefixes(shapes, constraint)
    head, body = match.group("head"), match.group("body")
    if path is not None:
        body = body.replace("$PATH", f"<{path}>")
    variables = tuple(dict.fromkeys(_VARIABLE.findall(head)))
    if "this" not in variables:
        raise ShapeError(f"the sh:select of shape <{name}> must select $this")
    distinct = match.group("distinct") or ""
    projection = " ".join(f"?{v}" for v in variables)
    values = " ".join(f"<{c}>" for c in classes)
    target = f"VALUES ?mg__class {{ {values} }} ?this a ?mg__class ."
    return SparqlConstraint(
        shape=name if isinstance(shape, rdflib.URIRef) else None,
        path=str(path) if path is not None else None,
        severity=_SEVERITIES.get(shapes.value(shape, SH.severity), "Violation"),
        message=_message(shapes, constraint, shape),
        classes=tuple(classes),
        variables=variables,
        per_page_query=f"{prefixes}SELECT {distinct}?mg__graph {projection} WHERE "
        f"{{ GRAPH ?mg__graph {{ {target} {body} }} }}",
        union_query=f"{prefixes}SELECT {distinct}{projection} WHERE {{ {target} {body} }}",
        evidence_predicates=frozenset(_iris(body, shapes, constraint)),
        whole_catalogue=(shape, SCOPE, WHOLE_CATALOGUE) in shapes,
    )


def _declared_prefixes(shapes, constraint) -> dict[str, str]:
    declared = {}
    for ontology in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                declared[str(prefix)] = str(namespace)
    return declared


def _prefixes(shapes, constraint) -> str:
    return "".join(
        f"PREFIX {p}: <{ns}>\n" for p, ns in _declared_prefixes(shapes, constraint).items()
    )


def _iris(body: str, shapes, constraint) -> set[str]:
    """IRIs the query names: the predicates a finding's evidence triples may use."""
    declared = _declared_prefixes(shapes, constraint)
    found = set(_IRI.findall(body))
    for prefix, local in _PREFIXED.findall(body):
        if (prefix or "") in declared:
            found.add(declared[prefix or ""] + local)
    if re.search(r"\sa\s", body):
        found.add(str(RDF.type))
    return found


def _message(shapes, constraint, shape) -> str:
    for node in (constraint, shape):
        messages = list(shapes.objects(node, SH.message))
        if messages:
            plain = [m for m in messages if not getattr(m, "language", None)]
            english = [m for m in messages if getattr(m, "language", None) == "en"]
            return str((plain or english or messages)[0])
    return "The SPARQL constraint of this shape found a problem."


def evaluate(
    store: ox.Store, constraints: Iterable[SparqlConstraint], source_of: Mapping[ox.NamedNode, str]
) -> list[ValidationIssue]:
    """Run every constraint per page graph and across pages; `source_of` maps graph names
    to source ids (graphs not in it are ignored)."""
    issues = []
    for constraint in constraints:
        on_one_page = set()
        if not constraint.whole_catalogue:
            for solution in store.query(constraint.per_page_query):
                graph = solution["mg__graph"]
                if graph not in source_of:
                    continue
                bindings = _bindings(solution, constraint.variables)
                on_one_page.add(tuple(bindings.items()))
                sources = (source_of[graph],)
                issues.append(_issue(constraint, bindings, sources, constraint.severity))
        for solution in store.query(constraint.union_query, use_default_graph_as_union=True):
            bindings = _bindings(solution, constraint.variables)
            if tuple(bindings.items()) in on_one_page:
                continue
            sources = _evidence_sources(store, constraint, bindings, source_of)
            if not sources:
                continue
            severity = constraint.severity
            message_suffix = ""
            if not constraint.whole_catalogue:
                severity = "Info" if severity == "Info" else "Warning"
                message_suffix = f" (The facts come from different sources: {', '.join(sources)}.)"
            issues.append(_issue(constraint, bindings, sources, severity, message_suffix))
    return issues


def _bindings(solution, variables) -> dict[str, object]:
    return {name: solution[name] for name in variables if solution[name] is not None}


def _evidence_sources(store, constraint, bindings, source_of) -> tuple[str, ...]:
    """Pages holding a triple between two values of the solution by a predicate the query
    names (the relation and each side's date); failing that, pages describing $this."""
    values = set(bindings.values())
    predicates = constraint.evidence_predicates | {
        v.value for v in values if isinstance(v, ox.NamedNode)
    }
    graphs = set()
    for subject in (v for v in values if isinstance(v, (ox.NamedNode, ox.BlankNode))):
        for obj in values:
            for quad in store.quads_for_pattern(subject, None, obj):
                if quad.predicate.value in predicates:
                    graphs.add(quad.graph_name)
    if not graphs:
        graphs = {q.graph_name for q in store.quads_for_pattern(bindings["this"], None, None)}
    return tuple(sorted({source_of[g] for g in graphs if g in source_of}))


def _issue(constraint, bindings, sources, severity, message_suffix="") -> ValidationIssue:
    path = constraint.path
    if "path" in bindings and isinstance(bindings["path"], ox.NamedNode):
        path = bindings["path"].value
    value = bindings.get("value")
    if value is None and constraint.path is None:
        value = bindings["this"]  # SHACL-SPARQL: a node shape's unbound ?value is $this
    return ValidationIssue(
        severity=severity,
        focus_node=node_id(bindings["this"]),
        path=path,
        value=ntriples(value) if value is not None else None,
        message=_render(constraint.message, bindings) + message_suffix,
        source_ids=tuple(sources),
        shape=constraint.shape,
        constraint=SPARQL_COMPONENT,
    )


def _render(template: str, bindings: Mapping[str, object]) -> str:
    def replace(match: re.Match) -> str:
        term = bindings.get(match.group(1))
        if term is None:
            return match.group(0)
        if isinstance(term, ox.Literal):
            return term.value
        if isinstance(term, ox.NamedNode):
            for prefix, namespace in _MESSAGE_PREFIXES:
                if term.value.startswith(namespace):
                    return f"{prefix}:{term.value[len(namespace):]}"
            return f"<{term.value}>"
        return str(term)

    return _TEMPLATE.sub(replace, template)
