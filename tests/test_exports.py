"""JSON-LD and dataset exports: a stable context, plain-JSON model documents, lossless dumps."""

import json

import pyoxigraph as ox
import pytest

from modelgraph.exports import build_context, context, model_document, view_jsonld
from modelgraph.store import EmbeddedStore
from modelgraph.views import ViewContext, models_view
from modelgraph.vocab import CLASSES, MG, PROPERTIES

from . import fictional


@pytest.fixture(scope="module")
def store():
    return EmbeddedStore.memory(fictional.quads())


def test_published_context_is_the_one_generated_from_the_ontology():
    assert context() == build_context()


def test_context_names_every_ontology_term():
    terms = context()["@context"]
    for name in CLASSES + PROPERTIES:
        assert name in terms, name
        iri = terms[name] if isinstance(terms[name], str) else terms[name]["@id"]
        assert iri == MG.iri + name
    assert terms["inputPrice"]["@type"].endswith("#decimal")
    assert terms["vendor"]["@type"] == "@id"


def _parse_jsonld(doc: dict) -> set:
    return {q.triple for q in ox.parse(json.dumps(doc).encode(), format=ox.RdfFormat.JSON_LD)}


def test_model_document_reads_as_plain_json_and_is_valid_json_ld(store):
    doc = model_document(store, ox.NamedNode(MG.iri.replace("ontology#", "id/model/") + "acme-swift"))
    assert doc["label"] == "Acme Swift"
    assert doc["contextWindow"] == 128000
    assert doc["vendor"]["label"] == "Acme"
    assert doc["statedBy"] == ["a", "b"]
    hosts = {o["host"]["id"].rsplit("/", 1)[-1] for o in doc["offers"]}
    assert hosts == {"acme", "router"}
    triples = _parse_jsonld(doc)
    union = {q.triple for q in store.quads()}
    price = [t for t in triples if t.predicate == MG.inputPrice]
    assert price and all(t in union for t in price)
    assert all(t.object.datatype.value.endswith("#decimal") for t in price)


def test_model_document_claims_name_the_sources_of_each_value(store):
    """Regression: a property's several values came without the sources of each."""
    swift = ox.NamedNode(MG.iri.replace("ontology#", "id/model/") + "acme-swift")
    doc = model_document(store, swift)
    dates = [c for c in doc["claims"] if c["property"] == "releaseDate"]
    assert [(c["value"]["@value"], c["statedBy"]) for c in dates] == [
        ("2024-05", ["b"]), ("2024-05-01", ["a"])]
    # classes are claims too, by rdf:type's IRI (`type` is the context's alias of @type):
    # regression, they were left out although every value has one
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert [(c["value"], c["statedBy"]) for c in doc["claims"] if c["property"] == rdf_type] \
        == [({"id": MG.iri + "Model"}, ["a", "b"])]
    # as RDF (pyoxigraph's parser): each claim is about a triple its sources' graphs hold
    triples = _parse_jsonld(doc)
    by_node: dict = {}
    for t in triples:
        by_node.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    claims = [n for n in by_node.values() if rdf + "predicate" in n]
    assert len(claims) == len(doc["claims"]) + sum(len(n["claims"]) for n in doc["offers"]
                                                   + doc["benchmarkResults"]
                                                   + doc["lifecycleEvents"])
    stored = set(store.quads())
    for claim in claims:
        s, p, o = (claim[rdf + k][0] for k in ("subject", "predicate", "object"))
        for graph in claim["http://www.w3.org/ns/prov#wasDerivedFrom"]:
            assert ox.Quad(s, p, o, graph) in stored


def test_context_defines_claims_for_any_document():
    claims = context()["@context"]["claims"]
    assert claims["@reverse"].endswith("#subject")
    assert claims["@context"]["statedBy"]["@id"] == "http://www.w3.org/ns/prov#wasDerivedFrom"


def test_unknown_model_document_is_empty(store):
    assert model_document(store, ox.NamedNode("https://w3id.org/modelgraph/id/model/nope")) == {}


def test_views_as_json_ld_keep_their_json_shape(store):
    view = models_view(ViewContext(store)).to_dict()
    doc = view_jsonld(view)
    assert doc["data"] == view["data"]
    assert _parse_jsonld(doc)  # it is JSON-LD that yields triples


@pytest.mark.parametrize("fmt", [ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS])
def test_export_then_import_gives_the_same_dataset(store, fmt):
    dumped = store.dump(fmt)
    again = EmbeddedStore.memory(ox.parse(dumped, format=fmt))
    assert set(again.quads()) == set(store.quads())


def test_one_graph_exports_alone(store):
    graph = ox.NamedNode("https://w3id.org/modelgraph/source/a")
    parsed = ox.parse(store.dump(ox.RdfFormat.TURTLE, graph), format=ox.RdfFormat.TURTLE)
    triples = {q.triple for q in parsed}
    assert triples == {q.triple for q in store.quads(graph)}


def test_model_document_keeps_languages_and_datatypes_the_context_does_not_give():
    """Regression: a label in two languages and values of datatypes the context does not
    type came out as plain strings, so the document read as other RDF terms than stored."""
    graph = ox.NamedNode("https://w3id.org/modelgraph/source/odd")
    model = ox.NamedNode("https://w3id.org/modelgraph/id/model/zz-odd")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    double = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
    stated = [
        ox.Triple(model, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                  ox.NamedNode(MG.iri + "Model")),
        ox.Triple(model, label, ox.Literal("Odd model", language="en")),
        ox.Triple(model, label, ox.Literal("Modèle bizarre", language="fr")),
        ox.Triple(model, ox.NamedNode("http://example.org/weight"),
                  ox.Literal("1.5E0", datatype=double)),
        ox.Triple(model, ox.NamedNode("http://example.org/flag"),
                  ox.Literal("x", datatype=ox.NamedNode("http://example.org/dt"))),
        ox.Triple(model, ox.NamedNode(MG.iri + "contextWindow"), ox.Literal("8192", datatype=
                  ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
    ]
    store = EmbeddedStore.memory(ox.Quad(*t, graph) for t in stated)
    doc = model_document(store, model)
    assert doc["contextWindow"] == 8192  # what needs no more than JSON stays plain
    assert {"@value": "Odd model", "@language": "en"} in doc["label"]
    read = {t for t in _parse_jsonld(doc) if t.subject == model}
    assert {q.triple for q in store.quads()} <= read  # as the store gives them back
