"""A small fictional catalogue built from typed claims, for testing views and the service
without depending on any extractor. Two sources that disagree about one price.

    acme-swift  --recommended replacement (source a)-->  acme-swift-2
    acme-swift-2 --predecessor (source b)--> acme-swift          (so swift-2 succeeds swift)
    acme-swift-2024-05-01 is a dated snapshot of acme-swift, offered on the Router host

Source b lists both Swifts' input modalities (so a modality one lacks is lost); only
source a lists Swift's capabilities (so one Swift 2 lacks is merely not stated for it).
"""

from decimal import Decimal

from modelgraph.rdf import extraction_quads
from modelgraph.records import (
    BenchmarkResultClaim,
    Extraction,
    LifecycleEventClaim,
    ModelClaim,
    ModelRef,
    OfferClaim,
    PartialDate,
    RelationClaim,
    SourceInfo,
)
from modelgraph.resources import ontology_quads

SWIFT = ModelRef(name="Acme Swift", vendor="Acme")
SWIFT2 = ModelRef(name="Acme Swift 2", vendor="Acme")
SNAPSHOT = ModelRef(identifier="acme/acme-swift-2024-05-01")
D = Decimal


def source_a() -> Extraction:
    return Extraction(
        source_id="a",
        extractor="test",
        source=SourceInfo(site="Directory A", title="Acme Swift", verified=PartialDate.parse("2026-11-01")),
        claims=[
            ModelClaim(model=SWIFT, family="Swift", release_date=PartialDate.parse("2024-05-01"),
                       context_window=128_000, max_output_tokens=16_384,
                       input_modalities=["text", "image", "pdf"], output_modalities=["text"],
                       capabilities=["functionCalling", "batchApi"]),
            OfferClaim(model=SWIFT, host="Acme API", host_kind="first-party",
                       input_price=D("0.15"), output_price=D("0.60"),
                       cached_input_price=D("0.075")),
            OfferClaim(model=SWIFT, host="Router", host_kind="router", endpoint_id="acme/acme-swift-2024-05-01",
                       input_price=D("0.15"), output_price=D("0.60")),
            BenchmarkResultClaim(model=SWIFT, benchmark="MMLU", score=D("80.0"), unit="percent"),
            RelationClaim(subject=SWIFT, relation="recommended_replacement", object=SWIFT2),
            LifecycleEventClaim(model=SWIFT, event_type="published", date=PartialDate.parse("2024-05-01"),
                                title="Swift published"),
        ],
    )


def source_b() -> Extraction:
    return Extraction(
        source_id="b",
        extractor="test",
        source=SourceInfo(site="Directory B", title="Acme Swift 2", updated=PartialDate.parse("2025-01")),
        claims=[
            ModelClaim(model=SWIFT, context_window=128_000, release_date=PartialDate.parse("2024-05"),
                       input_modalities=["text", "image", "pdf"]),
            ModelClaim(model=SWIFT2, family="Swift", release_date=PartialDate.parse("2025-04-01"),
                       context_window=1_000_000, max_output_tokens=32_768,
                       input_modalities=["text", "image"], output_modalities=["text"],
                       capabilities=["functionCalling"]),
            ModelClaim(model=SNAPSHOT, release_date=PartialDate.parse("2024-05-01")),
            OfferClaim(model=SWIFT, host="Acme", input_price=D("0.15"), cached_input_price=D("0.07")),
            OfferClaim(model=SWIFT2, host="Acme API", input_price=D("0.10"), output_price=D("0.40"),
                       cached_input_price=D("0.025")),
            BenchmarkResultClaim(model=SWIFT2, benchmark="MMLU", score=D("84.5"), unit="percent"),
            RelationClaim(subject=SWIFT2, relation="predecessor", object=SWIFT),
        ],
    )


def quads() -> list:
    return ontology_quads() + extraction_quads(source_a()) + extraction_quads(source_b())


# Two more sources for the regression tests of representative values and of hosts offering a
# model under several routes: `disputed_quads()` is the catalogue with them.
SNAPSHOT2 = ModelRef(identifier="acme/acme-swift-2-2025-04-01")


def source_c() -> Extraction:
    """Swift's context as 128 Ki (agreeing with a and b's 128K up to rounding), Swift 2's
    exactly and its release month; the Router host's routes to both Swifts and their
    snapshots."""
    return Extraction(
        source_id="c",
        extractor="test",
        source=SourceInfo(site="Directory C", verified=PartialDate.parse("2026-11-01")),
        claims=[
            ModelClaim(model=SWIFT, context_window=131_072),
            ModelClaim(model=SWIFT2, context_window=1_047_576,
                       release_date=PartialDate.parse("2025-04")),
            ModelClaim(model=SNAPSHOT2, release_date=PartialDate.parse("2025-04-01")),
            OfferClaim(model=SNAPSHOT, host="Router", host_kind="router",
                       endpoint_id="acme/acme-swift-2024-05-01-dated", input_price=D("0.12")),
            OfferClaim(model=SWIFT2, host="Router", host_kind="router",
                       endpoint_id="acme/acme-swift-2", input_price=D("0.09")),
            OfferClaim(model=SNAPSHOT2, host="Router", host_kind="router",
                       endpoint_id="acme/acme-swift-2-2025-04-01", input_price=D("0.05")),
        ],
    )


def source_d() -> Extraction:
    """A context for Swift 2 nobody else states, and Swift 2's release month again."""
    return Extraction(
        source_id="d",
        extractor="test",
        source=SourceInfo(site="Directory D", verified=PartialDate.parse("2026-11-01")),
        claims=[ModelClaim(model=SWIFT2, context_window=1_900_000,
                           release_date=PartialDate.parse("2025-04"))],
    )


def disputed_quads() -> list:
    return quads() + extraction_quads(source_c()) + extraction_quads(source_d())
