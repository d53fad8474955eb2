"""The ontology (ontology/modelgraph.ttl) against vocab.py, rdf.py and the shapes."""

from __future__ import annotations

import ast
import fnmatch
import inspect
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from modelgraph import rdf, vocab
from modelgraph.rdf import extraction_quads
from modelgraph.resources import ontology_path, shapes_dir
from modelgraph.validation import load_shapes
from tests.typed_claims import claims_of_every_kind

ROOT = Path(__file__).resolve().parent.parent
MG = rdflib.Namespace(vocab.MG.iri)
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = rdflib.Namespace("https://schema.org/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path(), format="turtle")


def declared_mg_terms(graph: rdflib.Graph) -> set[str]:
    return {
        str(s)[len(MG):] for s in graph.subjects(RDF.type, None)
        if isinstance(s, rdflib.URIRef) and str(s).startswith(str(MG))
    }


def written_quads() -> list[ox.Quad]:
    return extraction_quads(claims_of_every_kind(), "typed.txt")


# -- the file ----------------------------------------------------------------------------------
def test_the_ontology_parses_with_both_rdf_libraries_and_describes_itself(ontology):
    assert list(ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE))
    header = rdflib.URIRef(vocab.ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert ontology.value(header, prop) is not None, prop


def test_the_repository_files_are_the_packaged_files():
    assert (ROOT / "ontology" / "modelgraph.ttl").read_bytes() == ontology_path().read_bytes()
    assert (ROOT / "ontology" / "README.md").is_file()
    packaged = sorted(p.name for p in shapes_dir().glob("*.ttl"))
    assert packaged and sorted(p.name for p in (ROOT / "shapes").glob("*.ttl")) == packaged


def test_the_ontology_and_shapes_are_shipped_as_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["modelgraph"]
    package = ontology_path().parent.parent
    files = [ontology_path(), ontology_path().parent / "README.md", *shapes_dir().glob("*.ttl")]
    for path in files:
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


# -- vocab.py <-> ontology -----------------------------------------------------------------------
@pytest.mark.parametrize("name", vocab.CLASSES)
def test_every_class_of_vocab_is_an_owl_class_with_a_label_and_a_comment(ontology, name):
    term = MG[name]
    assert (term, RDF.type, OWL.Class) in ontology
    assert ontology.value(term, RDFS.label) is not None
    assert len(str(ontology.value(term, RDFS.comment) or "")) > 20


@pytest.mark.parametrize("name", vocab.PROPERTIES)
def test_every_property_of_vocab_is_declared_with_a_label_and_a_comment(ontology, name):
    term = MG[name]
    kinds = set(ontology.objects(term, RDF.type))
    assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, f"mg:{name} is not declared"
    assert not {OWL.ObjectProperty, OWL.DatatypeProperty} <= kinds
    assert ontology.value(term, RDFS.label) is not None
    assert len(str(ontology.value(term, RDFS.comment) or "")) > 20


def test_report_terms_of_vocab_are_declared_with_a_label_and_a_comment(ontology):
    for name in vocab.REPORT_TERMS:
        assert (MG[name], RDF.type, SH.ConstraintComponent) in ontology
        assert ontology.value(MG[name], RDFS.label) and ontology.value(MG[name], RDFS.comment)


def test_the_ontology_declares_nothing_that_vocab_lacks(ontology):
    known = set(vocab.CLASSES) | set(vocab.PROPERTIES) | set(vocab.REPORT_TERMS)
    assert declared_mg_terms(ontology) - known == set()


# -- rdf.py <-> ontology -------------------------------------------------------------------------
def mg_names_in_rdf_py() -> set[str]:
    """Every MG.<term> rdf.py's source mentions (relations included)."""
    tree = ast.parse(inspect.getsource(rdf))
    return {
        node.attr for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        and node.value.id == "MG"
    }


def test_every_mg_term_rdf_py_mentions_is_declared(ontology):
    names = mg_names_in_rdf_py()
    assert {"Model", "successor", "inputPrice"} <= names  # the scan sees rdf.py's terms
    assert names - declared_mg_terms(ontology) == set()


def test_every_class_and_predicate_rdf_py_writes_is_declared(ontology):
    used = set()
    for quad in written_quads():
        used.add(quad.predicate.value)
        if quad.predicate.value == str(RDF.type):
            used.add(quad.object.value)
    mine = {iri[len(MG):] for iri in used if iri.startswith(str(MG))}
    assert mine - declared_mg_terms(ontology) == set()


def test_object_and_datatype_properties_and_ranges_match_what_rdf_py_writes(ontology):
    for quad in written_quads():
        predicate = rdflib.URIRef(quad.predicate.value)
        if not predicate.startswith(str(MG)):
            continue
        kinds = set(ontology.objects(predicate, RDF.type))
        if isinstance(quad.object, ox.NamedNode):
            assert OWL.ObjectProperty in kinds, predicate
            continue
        assert OWL.DatatypeProperty in kinds, predicate
        datatype = rdflib.URIRef(quad.object.datatype.value)
        declared = ontology.value(predicate, RDFS.range)
        if isinstance(declared, rdflib.BNode):  # a union of date datatypes
            union = ontology.value(declared, OWL.unionOf)
            members = set(rdflib.collection.Collection(ontology, union))
            assert datatype in members, (predicate, datatype)
        elif declared is not None:
            assert datatype == declared, (predicate, datatype, declared)


# -- meaning ---------------------------------------------------------------------------------
SINGLE_VALUED = {
    "releaseDate", "knowledgeCutoff", "contextWindow", "maxOutputTokens", "parameterCount",
    "inputPrice", "outputPrice", "cachedInputPrice", "cacheWritePrice", "batchDiscount",
    "score", "scoreUnit", "benchmarkVersion", "foundingYear", "snapshotOf", "model", "host",
    "benchmark", "lifecycleStatus", "openWeights", "eventType", "metric", "ratingValue",
}
MANY_VALUED = {
    "alias", "tag", "inputModality", "outputModality", "capability", "feature", "successor",
    "predecessor", "recommendedReplacement", "comparedWith", "strength", "tradeoff", "locator",
    "note", "endpointId", "lastUpdated", "reportedBy", "reference", "hostKind",
}


def test_single_valued_properties_and_only_those_are_functional(ontology):
    functional = {str(s)[len(MG):] for s in ontology.subjects(RDF.type, OWL.FunctionalProperty)}
    assert SINGLE_VALUED <= functional
    assert MANY_VALUED & functional == set()


def test_the_class_hierarchy_reuses_standard_vocabularies(ontology):
    expected = [
        (MG.ModelSnapshot, MG.Model), (MG.Model, SCHEMA.SoftwareApplication),
        (MG.Vendor, SCHEMA.Organization), (MG.Host, SCHEMA.Organization),
        (MG.Offer, SCHEMA.Offer), (MG.SourcePage, PROV.Entity), (MG.Modality, SKOS.Concept),
        (MG.Capability, SKOS.Concept), (MG.LifecycleStatus, SKOS.Concept),
    ]
    for sub, sup in expected:
        assert (sub, RDFS.subClassOf, sup) in ontology, (sub, sup)


def test_successor_and_predecessor_are_inverses(ontology):
    assert (MG.successor, OWL.inverseOf, MG.predecessor) in ontology


def test_prices_and_token_counts_have_the_datatypes_rdf_py_writes(ontology):
    for name in ("inputPrice", "outputPrice", "cachedInputPrice", "cacheWritePrice", "score"):
        assert ontology.value(MG[name], RDFS.range) == rdflib.namespace.XSD.decimal
    for name in ("contextWindow", "maxOutputTokens", "parameterCount"):
        assert ontology.value(MG[name], RDFS.range) == rdflib.namespace.XSD.integer
    assert "one million" in str(ontology.value(MG.inputPrice, RDFS.comment))


def test_every_class_has_a_shape():
    shapes = load_shapes()
    targeted = {str(c)[len(MG):] for c in shapes.objects(None, SH.targetClass)}
    assert set(vocab.CLASSES) - targeted == set()
