"""Namespaces and the ontology's terms, mirroring ontology/modelgraph.ttl.

`MG.term` only answers for declared terms, so a typo fails at import time of the caller's
test rather than minting a new IRI; tests check every term here is defined in the ontology.
"""

from __future__ import annotations

from functools import cache

from pyoxigraph import NamedNode

BASE = "https://w3id.org/modelgraph/"
ONTOLOGY_IRI = BASE + "ontology"
ID = BASE + "id/"  # entities: id/model/{slug}, id/vendor/{slug}, …
SOURCE = BASE + "source/"  # one named graph per source page: source/{source-id}
DERIVED = BASE + "derived"  # the graph of relations computed from the sources (derive.py)


class Namespace:
    """A namespace whose terms are IRIs; `closed` namespaces reject undeclared names."""

    def __init__(self, iri: str, terms: tuple[str, ...] | None = None) -> None:
        self.iri = iri
        self.terms = terms

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> NamedNode:
        if self.terms is not None and name not in self.terms:
            raise AttributeError(f"{name!r} is not a term of <{self.iri}>")
        return NamedNode(self.iri + name)


CLASSES = (
    "Model",
    "ModelSnapshot",
    "ModelFamily",
    "Vendor",
    "Host",
    "Offer",
    "Benchmark",
    "BenchmarkResult",
    "Modality",
    "Capability",
    "LifecycleStatus",
    "LifecycleEvent",
    "Assessment",
    "SourcePage",
)

PROPERTIES = (
    # model
    "vendor",
    "family",
    "snapshotOf",
    "variantOf",
    "successor",
    "predecessor",
    "recommendedReplacement",
    "comparedWith",
    "cheaperThan",
    "alias",
    "releaseDate",
    "knowledgeCutoff",
    "lastUpdated",
    "contextWindow",
    "maxOutputTokens",
    "parameterCount",
    "parameterCountApproximate",
    "inputModality",
    "outputModality",
    "capability",
    "tag",
    "license",
    "openWeights",
    "lifecycleStatus",
    "available",
    "apiAccess",
    "architecture",
    "specialization",
    "modelType",
    "strength",
    "tradeoff",
    # vendor
    "headquarters",
    "foundingYear",
    # offer
    "model",
    "host",
    "hostKind",
    "endpointId",
    "inputPrice",
    "outputPrice",
    "cachedInputPrice",
    "cacheWritePrice",
    "batchDiscount",
    "feature",
    "availability",
    # benchmark results
    "benchmark",
    "score",
    "scoreUnit",
    "benchmarkVersion",
    "reportedBy",
    # lifecycle events
    "eventType",
    "reference",
    # assessments
    "metric",
    "ratingValue",
    "numericValue",
    # sources
    "site",
    "pageKind",
    "researchedOn",
    "verifiedOn",
    "refreshedOn",
    "updatedOn",
    "seedFile",
    "extractor",
    "locator",
    "note",
    # derived: stated only in the DERIVED graph, recomputed from the sources (derive.py)
    "transitiveSuccessor",
    "lineageDepth",
    "listed",
    "displayLabel",
    "earliestReleaseDate",
    "largestContextWindow",
    "representativeReleaseDate",
    "representativeContextWindow",
    "cheapestInputPrice",
    "cheapestOutputPrice",
    "labelRank",
    "releaseRank",
    "contextRank",
    "inputPriceRank",
    "outputPriceRank",
    "tripleCount",
    "conflictingProperty",
)

# Individuals the ontology declares for validation reports (not classes or properties).
REPORT_TERMS = ("ConflictConstraintComponent",)

MG = Namespace(BASE + "ontology#", CLASSES + PROPERTIES + REPORT_TERMS)

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES = {
    "mg": MG.iri,
    "mgid": ID,
    "src": SOURCE,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "xsd": XSD.iri,
    "owl": OWL.iri,
    "skos": SKOS.iri,
    "prov": PROV.iri,
    "dcterms": DCTERMS.iri,
    "schema": SCHEMA.iri,
    "sh": SH.iri,
}


@cache  # PREFIXES never changes; every canned query's text starts with this
def sparql_prefixes() -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
