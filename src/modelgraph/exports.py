"""JSON-LD for integrations, and dataset serialisations. No HTTP here.

* `context()`: the published, versioned ``@context`` (ontology/context.jsonld in the repo,
  ``/context.jsonld`` on the service). Generated from the ontology so it cannot drift: object
  properties are ``@id``-typed, decimals are ``xsd:decimal`` strings (exact, never rounded
  through a float), integers and booleans are plain JSON.
* `model_document(...)`: one model framed as a nested document that reads as plain JSON
  (values as JSON-LD objects only where a plain one would be another RDF term), each node
  with its `claims`: every value with the sources that state it.
* `view_jsonld(...)`: any helper view's JSON, made JSON-LD by a view vocabulary context.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .resources import ontology_path
from .vocab import BASE, DCTERMS, ID, MG, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SOURCE, XSD

CONTEXT_VERSION = "1.1"  # 1.1: `claims`
# The context's permanent name, whatever host serves it: read offline as the bundled file
CONTEXT_IRI = BASE + "context.jsonld"
CONTEXT_FILE = "context.jsonld"
VIEW_VOCAB = "https://w3id.org/modelgraph/view#"


def context_path() -> Path:
    return ontology_path().parent / CONTEXT_FILE


@cache
def _ontology_terms() -> dict[str, tuple[str, str | None]]:
    """mg: local name -> (kind, range IRI) from the ontology file."""
    quads = list(ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE))
    kinds: dict[str, str] = {}
    ranges: dict[str, str] = {}
    for t in quads:
        if not isinstance(t.subject, ox.NamedNode) or not t.subject.value.startswith(MG.iri):
            continue
        name = t.subject.value[len(MG.iri):]
        if t.predicate == RDF.type and t.object in (OWL.ObjectProperty, OWL.DatatypeProperty,
                                                     OWL.Class):
            kinds.setdefault(name, t.object.value.rsplit("#", 1)[1])
        elif t.predicate == RDFS.range and isinstance(t.object, ox.NamedNode):
            ranges[name] = t.object.value
    return {name: (kind, ranges.get(name)) for name, kind in kinds.items()}


def build_context() -> dict:
    """The @context document, derived from the ontology."""
    terms: dict[str, object] = {
        "@version": 1.1,
        **{prefix: iri for prefix, iri in PREFIXES.items() if prefix not in ("sh",)},
        "id": "@id",
        "type": "@type",
        "label": {"@id": RDFS.label.value},
        "description": {"@id": DCTERMS.description.value},
        "title": {"@id": DCTERMS.title.value},
        "date": {"@id": DCTERMS.date.value},
        "url": {"@id": SCHEMA.url.value, "@type": "@id"},
        "priceCurrency": {"@id": SCHEMA.priceCurrency.value},
        # A node's claims: one per value it has, naming the source pages that state it, as
        # RDF reification (rdf:Statement: rdf:subject is the node the claims are in,
        # rdf:predicate, rdf:object) and prov:wasDerivedFrom the source pages (their ids,
        # resolved against the source namespace)
        "claims": {
            "@reverse": RDF.subject.value,
            "@container": "@set",
            "@context": {
                "@base": SOURCE,
                "property": {"@id": RDF.predicate.value, "@type": "@vocab"},
                "value": {"@id": RDF.object.value},
                "statedBy": {"@id": PROV.wasDerivedFrom.value, "@type": "@id",
                             "@container": "@set"},
            },
        },
    }
    for name, (kind, rng) in sorted(_ontology_terms().items()):
        iri = MG.iri + name
        if kind == "Class":
            terms[name] = iri
        elif kind == "ObjectProperty":
            terms[name] = {"@id": iri, "@type": "@id"}
        elif rng == XSD.decimal.value:
            terms[name] = {"@id": iri, "@type": XSD.decimal.value}
        else:
            terms[name] = {"@id": iri}
    return {
        "@context": terms,
        "_comment": f"modelgraph JSON-LD context, version {CONTEXT_VERSION}; generated from "
                    "the ontology (modelgraph.exports.build_context).",
    }


def context() -> dict:
    """The published context (the committed file; a test keeps it equal to build_context)."""
    return json.loads(context_path().read_text())


def with_own_context(data: bytes, urls: Collection[str] = ()) -> bytes:
    """A JSON-LD document whose ``@context`` names ours by URL (its permanent name,
    CONTEXT_IRI, or `urls`: where this service publishes it), with the context put inline.
    Contexts are never fetched, so without this a document the service itself produced
    could not be sent back. Anything else, and text that is not JSON (the parser reports
    it), is returned unchanged."""
    urls = {CONTEXT_IRI, *urls}
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return data
    own = context()["@context"]

    def inline(value):
        if isinstance(value, str) and value in urls:
            return own
        if isinstance(value, list):
            return [inline(item) for item in value]
        return value

    def walk(node) -> bool:
        changed = False
        if isinstance(node, dict):
            if "@context" in node:
                before = node["@context"]
                node["@context"] = inline(before)
                changed = node["@context"] != before
            for value in node.values():
                changed = walk(value) or changed
        elif isinstance(node, list):
            for value in node:
                changed = walk(value) or changed
        return changed

    return json.dumps(document).encode() if walk(document) else data


def view_jsonld(view: dict) -> dict:
    """A view's JSON as JSON-LD: keys map into the view vocabulary, `iri` keys become @id.

    The shapes stay exactly those of the JSON view, so a client can switch formats freely.
    """
    ctx = {
        "@vocab": VIEW_VOCAB,
        "iri": "@id",
        "id": VIEW_VOCAB + "id",
        "sources": {"@id": VIEW_VOCAB + "sources", "@container": "@set"},
    }
    return {"@context": ctx, **view}


def model_document(store, model_iri: ox.NamedNode, context_url: str | None = None) -> dict:
    """One model as a framed, plain-JSON-friendly document (SPARQL only, so any store works).

    Top level: the model's own properties (union of all sources; single values unwrapped,
    several values as lists); linked entities as {id, label}; its offers, benchmark results,
    lifecycle events and assessments embedded; `statedBy` lists the sources. The model and
    each embedded node also have `claims`: for every value of every property, its classes
    included, {property, value, statedBy: [source ids]} (a reified statement, see `build_context`), so
    that which page states which of several values is not lost.
    """
    from . import queries

    def run(name: str, **params) -> list:
        return list(store.query(queries.get(name).bind(params)))

    terms = context()["@context"]
    records = [row["record"] for row in run("linked_records", model=model_iri)]
    nodes: dict[str, dict] = {}
    stated: dict[str, dict[tuple, set[str]]] = {}  # node -> (property, value) -> sources
    sources: set[str] = set()
    for row in run("describe", nodes=[model_iri, *records]):
        node = nodes.setdefault(row["s"].value, {"id": row["s"].value})
        value = _value(row["o"], row["oLabel"], _coercion(terms.get(_key(row["p"]))))
        values = node.setdefault(_key(row["p"]), [])
        source = row["g"].value[len(SOURCE):]
        stated.setdefault(row["s"].value, {}).setdefault((row["p"], row["o"]), set()).add(source)
        linked = value.get("id") if isinstance(value, dict) else None
        if linked and any(isinstance(v, dict) and v.get("id") == linked for v in values):
            continue  # one entry per linked entity, whichever of its labels came first
        if value not in values:
            values.append(value)
        if row["s"] == model_iri:
            sources.add(source)
    if model_iri.value not in nodes:
        return {}
    framed = {iri: dict(_unwrap(node), claims=_claims(stated.get(iri, {}), terms))
              for iri, node in nodes.items()}
    doc = framed.pop(model_iri.value)
    claims = doc.pop("claims")
    buckets = {"Offer": "offers", "BenchmarkResult": "benchmarkResults",
               "LifecycleEvent": "lifecycleEvents", "Assessment": "assessments"}
    for iri in sorted(framed):
        node = framed[iri]
        node.pop("model", None)
        kind = next((buckets[t] for t in node.get("type", []) if t in buckets), None)
        if kind:
            doc.setdefault(kind, []).append(node)
    doc["statedBy"] = sorted(sources)
    doc["claims"] = claims
    ctx: object = context_url or context()["@context"]
    reverse = {kind: {"@reverse": MG.model.value} for kind in buckets.values()}
    return {"@context": [ctx, {"statedBy": {"@id": VIEW_VOCAB + "statedBy"}, **reverse}],
            **doc}


def _claims(stated: dict[tuple, set[str]], terms: dict) -> list[dict]:
    """{property, value, statedBy} per (predicate, object) stated, in property and value
    order (values as written). `property` is the document's key for it where the context has
    one, else the IRI (a name the context lacks would resolve against the claims' base, the
    source namespace); `value` a JSON-LD value that keeps its datatype (`value` has no type
    of its own)."""
    ordered = sorted(stated.items(), key=lambda item: (
        _key(item[0][0]), item[0][1].value, str(getattr(item[0][1], "datatype", ""))))
    claims = []
    for (predicate, term), source_ids in ordered:
        key = _key(predicate)
        # `type` is the context's alias of @type, not a term: rdf:type goes as its IRI
        named = key in terms and predicate != RDF.type
        claims.append({"property": key if named else predicate.value,
                       "value": _claim_value(term), "statedBy": sorted(source_ids)})
    return claims


# literals JSON writes as its own numbers and booleans
_NATIVE = {XSD.integer.value: int, XSD.boolean.value: lambda text: text == "true"}


def _claim_value(term):
    if isinstance(term, ox.NamedNode):
        return {"id": term.value}
    if isinstance(term, ox.Literal):
        return _literal_value(term)
    return {"id": f"_:{term.value}"}  # a blank node (none is described today)


def _literal_value(term: ox.Literal, coerced: str | None = None):
    """A literal as plain as JSON-LD lets it stay the same RDF term: integers and booleans
    as JSON's own, strings (and values of the datatype `coerced`, which the context gives
    the key) as strings; a language or any other datatype written out."""
    datatype = term.datatype.value
    if datatype in _NATIVE:
        return _NATIVE[datatype](term.value)
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if datatype == XSD.string.value or datatype == coerced:
        return term.value  # decimals stay exact strings; the context types them
    return {"@value": term.value, "@type": datatype}


def _unwrap(node: dict) -> dict:
    """Single values as plain values, several as lists; `type` always a list."""
    return {k: v if k == "id" or k == "type" or len(v) > 1 else v[0] for k, v in node.items()}


def _key(predicate: ox.NamedNode) -> str:
    iri = predicate.value
    if iri == RDF.type.value:
        return "type"
    if iri.startswith(MG.iri):
        return iri[len(MG.iri):]
    for name, term in (("label", RDFS.label), ("description", DCTERMS.description),
                       ("title", DCTERMS.title), ("date", DCTERMS.date), ("url", SCHEMA.url),
                       ("priceCurrency", SCHEMA.priceCurrency)):
        if iri == term.value:
            return name
    return iri


def _coercion(definition) -> str | None:
    """The datatype the context gives a key's plain strings (xsd:decimal), if any."""
    return definition.get("@type") if isinstance(definition, dict) else None


def _value(term, label=None, coerced: str | None = None):
    """A node's value in the framed document: IRIs as strings (or {id, label}), literals
    as `_literal_value` writes them."""
    if isinstance(term, ox.NamedNode):
        if term.value.startswith(MG.iri):
            return term.value[len(MG.iri):]
        if term.value.startswith(ID) and label is not None:
            return {"id": term.value, "label": label.value}
        return term.value
    if isinstance(term, ox.Literal):
        return _literal_value(term, coerced)
    return str(term)
