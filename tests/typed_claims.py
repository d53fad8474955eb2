"""One page's worth of typed claims of every kind, about fictional models, with every field
rdf.py writes filled in: what the ontology must declare and the shapes must accept."""

from decimal import Decimal

from modelgraph.records import (
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

ALPHA = ModelRef(identifier="examplesoft/alpha-3", vendor="Examplesoft")
OLDER = ModelRef(identifier="examplesoft/alpha-2")
RIVAL = ModelRef(name="Rivalco: Beta 1")
SNAPSHOT = ModelRef(identifier="examplesoft/alpha-3-2025-04-02")


def claims_of_every_kind() -> Extraction:
    date = PartialDate.parse
    return Extraction(
        source_id="typed-claims",
        extractor="test",
        source=SourceInfo(
            site="Example", page_kind="model profile", title="Alpha 3",
            url="https://example.org/alpha-3", researched=date("2025-05-01"),
            verified=date("2025-05"), refreshed=date("2025-05-02"), updated=date("2025"),
            version="1.2",
        ),
        claims=[
            ModelClaim(
                model=ALPHA, label="Alpha 3", description="A fictional model.", family="Alpha",
                aliases=["alpha-3-latest"], release_date=date("2025-04"),
                knowledge_cutoff=date("2024"), updated=date("2025-05-01"), context_window=64000,
                max_output_tokens=4000, parameter_count=9_000_000_000,
                parameter_count_approximate=True, input_modalities=["text", "image"],
                output_modalities=["text"], capabilities=["functionCalling"], tags=["chat"],
                license="proprietary", open_weights=False, lifecycle_status="Preview",
                available=True, api_access=True, architecture="transformer",
                specialization="chat", model_type="multimodal", strengths=["fast"],
                tradeoffs=["small"],
            ),
            ModelClaim(model=SNAPSHOT, snapshot_of=ALPHA, release_date=date("2025-04-02")),
            ModelClaim(model=OLDER, label="Alpha 2", release_date=date("2024-10-02")),
            ModelClaim(model=RIVAL, label="Beta 1", release_date=date("2025-01")),
            VendorClaim(name="Examplesoft", description="A fictional vendor.",
                        headquarters="Nowhere", founded=2019, website="https://example.org"),
            OfferClaim(
                model=ALPHA, host="Cloudhost API", host_kind="serverless",
                endpoint_id="alpha-3-2025-04-02", input_price=Decimal("0.40"),
                output_price=Decimal("1.20"), cached_input_price=Decimal("0.10"),
                cache_write_price=Decimal("0.50"), batch_discount=Decimal(50),
                context_window=64000, max_output_tokens=4000, features=["batch support"],
                note="regional pricing", availability="Partial",
                locator=Locator(line=7, field="Input"),
            ),
            OfferClaim(model=ALPHA, host="Cloudhost API", variant="Pro",
                       input_price=Decimal("0.8")),
            BenchmarkResultClaim(
                model=ALPHA, benchmark="Exam", benchmark_url="https://example.org/exam",
                score=Decimal("61.5"), unit="percent", version="2025", date=date("2025-04-20"),
                reported_by="Examplesoft", note="vendor-reported", locator=Locator(line=9),
            ),
            RelationClaim(subject=OLDER, relation="successor", object=ALPHA),
            RelationClaim(subject=ALPHA, relation="predecessor", object=OLDER),
            RelationClaim(subject=OLDER, relation="recommended_replacement", object=ALPHA),
            RelationClaim(subject=ALPHA, relation="compared_with", object=RIVAL),
            RelationClaim(subject=ALPHA, relation="cheaper_than", object=RIVAL),
            RelationClaim(subject=SNAPSHOT, relation="variant_of", object=OLDER),
            LifecycleEventClaim(
                model=ALPHA, event_type="published", date=date("2025-04-02"),
                title="Alpha 3 published", description="First release.",
                reference="https://example.org/news",
            ),
            AssessmentClaim(model=ALPHA, metric="speed percentile", value="71",
                            numeric=Decimal(71)),
        ],
    )
