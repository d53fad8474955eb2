"""Claims -> quads. Each page's claims go into that page's own named graph, together with
the page's PROV-O/DCTERMS description, so "which sources say this?" is ``GRAPH ?g``.

Literal typing: prices and scores are xsd:decimal, token counts xsd:integer, dates
xsd:date / xsd:gYearMonth / xsd:gYear by the precision the page states.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad

from . import identity as ids
from .records import (
    AssessmentClaim,
    BenchmarkResultClaim,
    Extraction,
    LifecycleEventClaim,
    Locator,
    ModelClaim,
    ModelRef,
    OfferClaim,
    PartialDate,
    RelationClaim,
    SourceInfo,
    VendorClaim,
)
from .source_ids import source_graph
from .vocab import DCTERMS, MG, PROV, RDF, RDFS, SCHEMA, XSD

_DATE_TYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}

RELATION_PROPERTIES = {
    "successor": MG.successor,
    "predecessor": MG.predecessor,
    "recommended_replacement": MG.recommendedReplacement,
    "compared_with": MG.comparedWith,
    "cheaper_than": MG.cheaperThan,
    "variant_of": MG.variantOf,
}


def literal(value) -> Literal:
    """A Python value as a typed literal (bool before int: bool is an int subclass)."""
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(str(value), datatype=XSD.integer)
    if isinstance(value, Decimal):
        return Literal(_decimal_lexical(value), datatype=XSD.decimal)
    if isinstance(value, PartialDate):
        return Literal(value.iso, datatype=_DATE_TYPES[value.precision])
    return Literal(str(value))


def _decimal_lexical(value: Decimal) -> str:
    text = format(value, "f")
    return text if "." in text else text + ".0"


class _GraphWriter:
    """Collects quads for one named graph, skipping None values."""

    def __init__(self, graph: NamedNode) -> None:
        self.graph = graph
        self.quads: list[Quad] = []

    def add(self, subject: NamedNode, predicate: NamedNode, value) -> None:
        if value is None:
            return
        obj = value if isinstance(value, NamedNode) else literal(value)
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def add_all(self, subject: NamedNode, predicate: NamedNode, values) -> None:
        for value in values:
            self.add(subject, predicate, value)

    def locate(self, subject: NamedNode, locator: Locator) -> None:
        if locator.line is not None or locator.field:
            self.add(subject, MG.locator, str(locator))


def extraction_quads(extraction: Extraction, seed_file: str | None = None) -> list[Quad]:
    """All quads for one page: its source description and every claim."""
    out = _GraphWriter(source_graph(extraction.source_id))
    _source(out, extraction, seed_file)
    for claim in extraction.claims:
        _CLAIM_WRITERS[type(claim)](out, claim, extraction.source_id)
    return _dedupe(out.quads)


def _dedupe(quads: list[Quad]) -> list[Quad]:
    return list(dict.fromkeys(quads))


def _source(out: _GraphWriter, extraction: Extraction, seed_file: str | None) -> None:
    info = extraction.source
    page = out.graph
    out.add(page, RDF.type, MG.SourcePage)
    out.add(page, RDF.type, PROV.Entity)
    out.add(page, DCTERMS.identifier, extraction.source_id)
    out.add(page, DCTERMS.title, info.title)
    out.add(page, MG.site, info.site)
    out.add(page, MG.pageKind, info.page_kind)
    out.add(page, SCHEMA.url, info.url)
    out.add(page, MG.researchedOn, info.researched)
    out.add(page, MG.verifiedOn, info.verified)
    out.add(page, MG.refreshedOn, info.refreshed)
    out.add(page, MG.updatedOn, info.updated)
    out.add(page, SCHEMA.version, info.version)
    out.add(page, MG.seedFile, seed_file)
    out.add(page, MG.extractor, extraction.extractor)


def model_node(out: _GraphWriter, ref: ModelRef) -> tuple[NamedNode, ids.ResolvedModel]:
    """Type the model (and, for a dated snapshot, its alias) and record the spelling."""
    resolved = ids.resolve_model(ref)
    node = resolved.iri
    out.add(node, RDF.type, MG.Model)
    if resolved.alias_iri is not None:
        out.add(node, RDF.type, MG.ModelSnapshot)
        out.add(node, MG.snapshotOf, resolved.alias_iri)
        out.add(resolved.alias_iri, RDF.type, MG.Model)
    out.add(node, MG.alias, ref.identifier)
    out.add(node, RDFS.label, resolved.display_name)  # how the page names it
    if resolved.vendor_slug:
        _vendor(out, resolved.vendor_slug, ref.vendor)
        out.add(node, MG.vendor, ids.vendor_iri(resolved.vendor_slug))
    return node, resolved


def _vendor(out: _GraphWriter, slug: str, name: str | None) -> NamedNode:
    node = ids.vendor_iri(slug)
    out.add(node, RDF.type, MG.Vendor)
    out.add(node, RDFS.label, name)
    return node


def _model(out: _GraphWriter, claim: ModelClaim, source_id: str) -> None:
    node, resolved = model_node(out, claim.model)
    out.add(node, RDFS.label, claim.label)
    out.add(node, DCTERMS.description, claim.description)
    if claim.family:
        family = ids.family_iri(ids.resolve_family(claim.family))
        out.add(family, RDF.type, MG.ModelFamily)
        out.add(family, RDFS.label, claim.family)
        out.add(node, MG.family, family)
        if resolved.vendor_slug:
            out.add(family, MG.vendor, ids.vendor_iri(resolved.vendor_slug))
    if claim.snapshot_of is not None:
        alias, _ = model_node(out, claim.snapshot_of)
        out.add(node, RDF.type, MG.ModelSnapshot)
        out.add(node, MG.snapshotOf, alias)
    out.add_all(node, MG.alias, claim.aliases)
    out.add(node, MG.releaseDate, claim.release_date)
    out.add(node, MG.knowledgeCutoff, claim.knowledge_cutoff)
    out.add(node, MG.lastUpdated, claim.updated)
    out.add(node, MG.contextWindow, claim.context_window)
    out.add(node, MG.maxOutputTokens, claim.max_output_tokens)
    out.add(node, MG.parameterCount, claim.parameter_count)
    out.add(node, MG.parameterCountApproximate, claim.parameter_count_approximate)
    for predicate, names in (
        (MG.inputModality, claim.input_modalities),
        (MG.outputModality, claim.output_modalities),
    ):
        for name in names:
            out.add(node, predicate, _modality(out, name))
    for name in claim.capabilities:
        out.add(node, MG.capability, _capability(out, name))
    out.add_all(node, MG.tag, claim.tags)
    out.add(node, MG.license, claim.license)
    out.add(node, MG.openWeights, claim.open_weights)
    if claim.lifecycle_status:
        status_slug = ids.resolve_status(claim.lifecycle_status)
        status = ids.status_iri(status_slug)
        out.add(status, RDF.type, MG.LifecycleStatus)
        out.add(status, RDFS.label, status_slug.replace("-", " "))
        out.add(node, MG.lifecycleStatus, status)
    out.add(node, MG.available, claim.available)
    out.add(node, MG.apiAccess, claim.api_access)
    out.add(node, MG.architecture, claim.architecture)
    out.add(node, MG.specialization, claim.specialization)
    out.add(node, MG.modelType, claim.model_type)
    out.add_all(node, MG.strength, claim.strengths)
    out.add_all(node, MG.tradeoff, claim.tradeoffs)


def _modality(out: _GraphWriter, name: str) -> NamedNode:
    slug = ids.resolve_modality(name)
    node = ids.modality_iri(slug)
    out.add(node, RDF.type, MG.Modality)
    out.add(node, RDFS.label, slug)
    return node


def _capability(out: _GraphWriter, name: str) -> NamedNode:
    slug = ids.resolve_capability(name)
    node = ids.capability_iri(slug)
    out.add(node, RDF.type, MG.Capability)
    out.add(node, RDFS.label, slug.replace("-", " "))
    return node


def _vendor_claim(out: _GraphWriter, claim: VendorClaim, source_id: str) -> None:
    node = _vendor(out, ids.resolve_vendor(claim.name), claim.name)
    out.add(node, DCTERMS.description, claim.description)
    out.add(node, MG.headquarters, claim.headquarters)
    out.add(node, MG.foundingYear, claim.founded)
    out.add(node, SCHEMA.url, claim.website)


def _offer(out: _GraphWriter, claim: OfferClaim, source_id: str) -> None:
    model, resolved = model_node(out, claim.model)
    host_slug = ids.resolve_host(claim.host)
    host = ids.host_iri(host_slug)
    out.add(host, RDF.type, MG.Host)
    out.add(host, RDFS.label, claim.host)
    node = ids.offer_iri(host_slug, resolved.slug, claim.variant)
    out.add(node, RDF.type, MG.Offer)
    out.add(node, MG.model, model)
    out.add(node, MG.host, host)
    out.add(node, MG.hostKind, claim.host_kind)
    if claim.endpoint_id:
        out.add(node, MG.endpointId, claim.endpoint_id)
        # the host's id may pin a dated snapshot: type it and link it to its alias. An id that
        # spells neither the model nor a snapshot of it is the host's own wrapping of the
        # vendor's id (`us.anthropic.…-v1:0`, `openai-gpt-4o-mini`): it names no model
        endpoint = ModelRef(identifier=claim.endpoint_id, vendor=claim.model.vendor,
                            vendor_in_path=claim.model.vendor_in_path)
        pinned = ids.resolve_model(endpoint)
        if resolved.slug in (pinned.slug, pinned.alias_slug):
            model_node(out, endpoint)
    out.add(node, SCHEMA.priceCurrency, claim.currency)
    out.add(node, MG.inputPrice, claim.input_price)
    out.add(node, MG.outputPrice, claim.output_price)
    out.add(node, MG.cachedInputPrice, claim.cached_input_price)
    out.add(node, MG.cacheWritePrice, claim.cache_write_price)
    out.add(node, MG.batchDiscount, claim.batch_discount)
    out.add(node, MG.contextWindow, claim.context_window)
    out.add(node, MG.maxOutputTokens, claim.max_output_tokens)
    for name in claim.features:
        out.add(node, MG.feature, _capability(out, name))
    out.add(node, MG.note, claim.note)
    out.add(node, MG.availability, claim.availability)
    out.locate(node, claim.locator)


def _benchmark_result(out: _GraphWriter, claim: BenchmarkResultClaim, source_id: str) -> None:
    model, resolved = model_node(out, claim.model)
    bench_slug = ids.resolve_benchmark(claim.benchmark)
    bench = ids.benchmark_iri(bench_slug)
    out.add(bench, RDF.type, MG.Benchmark)
    out.add(bench, RDFS.label, claim.benchmark)
    out.add(bench, SCHEMA.url, claim.benchmark_url)
    node = ids.result_iri(resolved.slug, bench_slug)
    out.add(node, RDF.type, MG.BenchmarkResult)
    out.add(node, MG.model, model)
    out.add(node, MG.benchmark, bench)
    out.add(node, MG.score, claim.score)
    out.add(node, MG.scoreUnit, claim.unit)
    out.add(node, MG.benchmarkVersion, claim.version)
    out.add(node, DCTERMS.date, claim.date)
    out.add(node, MG.reportedBy, claim.reported_by)
    out.add(node, MG.note, claim.note)
    out.locate(node, claim.locator)


def _relation(out: _GraphWriter, claim: RelationClaim, source_id: str) -> None:
    subject, _ = model_node(out, claim.subject)
    obj, _ = model_node(out, claim.object)
    out.add(subject, RELATION_PROPERTIES[claim.relation], obj)


def _event(out: _GraphWriter, claim: LifecycleEventClaim, source_id: str) -> None:
    model, resolved = model_node(out, claim.model)
    event_slug = ids.slugify(claim.event_type)
    node = ids.event_iri(resolved.slug, event_slug, claim.date.iso if claim.date else None)
    out.add(node, RDF.type, MG.LifecycleEvent)
    out.add(node, MG.model, model)
    out.add(node, MG.eventType, event_slug)
    out.add(node, DCTERMS.date, claim.date)
    out.add(node, RDFS.label, claim.title)
    out.add(node, DCTERMS.description, claim.description)
    out.add(node, MG.reference, claim.reference)
    out.locate(node, claim.locator)


def _assessment(out: _GraphWriter, claim: AssessmentClaim, source_id: str) -> None:
    model, resolved = model_node(out, claim.model)
    node = ids.assessment_iri(source_id, resolved.slug, ids.slugify(claim.metric))
    out.add(node, RDF.type, MG.Assessment)
    out.add(node, MG.model, model)
    out.add(node, MG.metric, claim.metric)
    out.add(node, MG.ratingValue, claim.value)
    out.add(node, MG.numericValue, claim.numeric)
    out.locate(node, claim.locator)


def _source_claim(out: _GraphWriter, claim: SourceInfo, source_id: str) -> None:
    """A SourceInfo among claims is ignored: the page description is `Extraction.source`."""


_CLAIM_WRITERS = {
    SourceInfo: _source_claim,
    ModelClaim: _model,
    VendorClaim: _vendor_claim,
    OfferClaim: _offer,
    BenchmarkResultClaim: _benchmark_result,
    RelationClaim: _relation,
    LifecycleEventClaim: _event,
    AssessmentClaim: _assessment,
}


def iter_quads(extractions: list[tuple[Extraction, str | None]]) -> Iterator[Quad]:
    for extraction, seed_file in extractions:
        yield from extraction_quads(extraction, seed_file)
