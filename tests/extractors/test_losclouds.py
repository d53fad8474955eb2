"""losclouds model directory entries: the seed page and invented pages in the same format."""

from decimal import Decimal
from pathlib import Path

import pytest

from modelgraph import extractors
from modelgraph.errors import ExtractionError
from modelgraph.pages import Page, read_page
from modelgraph.rdf import extraction_quads, source_graph
from modelgraph.records import (
    BenchmarkResultClaim,
    LifecycleEventClaim,
    ModelClaim,
    ModelRef,
    OfferClaim,
    PartialDate,
    RelationClaim,
)
from modelgraph.vocab import MG

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
PAGES = ROOT / "tests" / "pages" / "losclouds"
SEED = SEEDS / "003_ec403d117877af56.txt"
OPUS = PAGES / "claude_3_opus.txt"


def extract(path: Path):
    return extractors.extract(read_page(path))


def page_model(extraction) -> ModelClaim:
    return extraction.of_type(ModelClaim)[0]


def variant(path: Path, old: str, new: str) -> Page:
    text = path.read_text()
    assert old in text
    return Page(source_id="variant", text=text.replace(old, new), path=f"{path.name}#variant")


def date(iso: str) -> PartialDate:
    return PartialDate.parse(iso)


# ---------------------------------------------------------------------------- detection


@pytest.mark.parametrize("path", [SEED, *sorted(PAGES.glob("*.txt"))], ids=lambda p: p.name)
def test_detect_picks_losclouds_for_its_pages(path):
    assert extractors.detect(read_page(path)).name == "losclouds"


@pytest.mark.parametrize("path", sorted(set(SEEDS.glob("*.txt")) - {SEED}), ids=lambda p: p.name)
def test_losclouds_does_not_claim_other_sites_pages(path):
    assert extractors.registry()["losclouds"].detect(read_page(path)) < 0.5


# ---------------------------------------------------------------------------- the seed


def test_the_seed_describes_itself_as_a_losclouds_directory_entry():
    source = extract(SEED).source
    assert (source.site, source.page_kind, source.title) == (
        "losclouds",
        "model directory entry",
        "GPT-4o mini",
    )
    assert source.verified == date("2026-04-05")


def test_the_seed_model_claim_reads_header_capabilities_and_release_history():
    model = page_model(extract(SEED))
    assert model.model == ModelRef(name="GPT-4o mini", vendor="OpenAI")
    assert model.description.startswith("Low-cost vision-capable OpenAI model")
    assert (model.input_modalities, model.output_modalities) == (["text", "image"], ["text"])
    assert model.capabilities == [
        "imageInput",
        "batchSupport",
        "promptCaching",
        "functionCalling",
        "structuredOutputs",
    ]
    assert model.strengths == ["Very low price", "Good vision capability"]
    assert model.tradeoffs == ["Older 128K context window"]
    assert model.aliases == ["gpt-4o-mini"]
    assert (model.lifecycle_status, model.release_date) == ("Active", date("2024-07-18"))


def test_the_model_pricing_table_prices_the_reference_host():
    (offer,) = extract(SEED).of_type(OfferClaim)
    assert (offer.host, offer.host_kind, offer.context_window) == (
        "OpenAI API",
        "first-party",
        128_000,
    )
    assert (offer.input_price, offer.output_price, offer.cached_input_price) == (
        Decimal("0.15"),
        Decimal("0.60"),
        Decimal("0.07"),
    )
    assert offer.batch_discount == Decimal(50)
    assert offer.features == ["Prompt caching", "Batch API"]
    assert offer.note == "Reference pricing."
    assert offer.locator.line == 74


def test_benchmark_rows_split_into_version_percent_date_source_and_notes():
    (result,) = extract(SEED).of_type(BenchmarkResultClaim)
    assert (result.benchmark, result.version, result.score, result.unit) == (
        "MMLU",
        "2024",
        Decimal("82.4"),
        "percent",
    )
    assert result.date == date("2024-07-01")
    assert (result.reported_by, result.note) == ("OpenAI", "Vendor-reported")


def test_replacement_models_become_recommended_replacement_relations():
    (relation,) = extract(SEED).of_type(RelationClaim)
    assert relation.relation == "recommended_replacement"
    assert relation.subject.name == "GPT-4o mini"
    assert relation.object == ModelRef(identifier="gpt-4-1-nano", vendor="OpenAI")


def test_change_events_split_title_description_and_source():
    (event,) = extract(SEED).of_type(LifecycleEventClaim)
    assert (event.event_type, event.date) == ("family_added", date("2024-07-18"))
    assert event.title == "GPT-4o mini published"
    assert event.description == "Initial public model family launch."
    assert event.reference == "GPT-4o mini release notes"


def test_quads_land_in_the_pages_named_graph():
    extraction = extract(SEED)
    quads = extraction_quads(extraction)
    assert {quad.graph_name for quad in quads} == {source_graph(extraction.source_id)}
    assert any(quad.predicate == MG.recommendedReplacement for quad in quads)
    assert any(quad.predicate == MG.batchDiscount for quad in quads)


# ---------------------------------------------------------------------------- another model


def test_a_deprecated_model_reads_its_own_release_row_and_other_flags():
    model = page_model(extract(OPUS))
    assert model.model == ModelRef(name="Claude 3 Opus", vendor="Anthropic")
    assert (model.input_modalities, model.output_modalities) == (["text", "image", "pdf"], ["text"])
    assert model.capabilities == [
        "imageInput",
        "pdfInput",
        "toolUse",
        "computerUse",
        "extendedThinking",
        "batchSupport",
        "promptCaching",
    ]
    assert model.tradeoffs == ["High price", "Slower than newer models", "Deprecated"]
    assert model.aliases == ["claude-3-opus-20240229"]
    assert (model.lifecycle_status, model.release_date) == ("Deprecated", date("2024-02-29"))


def test_other_release_rows_are_models_of_their_own():
    models = extract(OPUS).of_type(ModelClaim)
    assert len(models) == 2
    other = models[1]
    assert other.model == ModelRef(
        name="Claude 3 Opus (latest alias)", identifier="claude-3-opus-latest", vendor="Anthropic"
    )
    assert (other.lifecycle_status, other.release_date) == ("Retired", date("2024-03-04"))


def test_deprecation_and_shutdown_dates_are_events_once_each():
    events = extract(OPUS).of_type(LifecycleEventClaim)
    seen = [(e.model.spelling, e.event_type, e.date.iso) for e in events]
    assert sorted(seen) == sorted(
        [
            ("Claude 3 Opus", "shutdown", "2026-01-05"),
            ("claude-3-opus-latest", "shutdown", "2026-01-05"),
            ("Claude 3 Opus", "family_added", "2024-03-04"),
            ("Claude 3 Opus", "deprecated", "2025-06-30"),  # in both tables, stated once
        ]
    )
    deprecated = next(e for e in events if e.event_type == "deprecated")
    assert deprecated.description == "Anthropic announced the retirement of Claude 3 Opus."
    assert deprecated.reference == "Anthropic model deprecations page"
    published = next(e for e in events if e.event_type == "family_added")
    assert published.reference == "https://www.anthropic.com/news/claude-3-family"


def test_the_host_whose_note_says_reference_pricing_gets_the_prices_not_the_first_row():
    offers = {offer.host: offer for offer in extract(OPUS).of_type(OfferClaim)}
    assert list(offers) == ["Amazon Bedrock", "Anthropic API", "Google Vertex AI"]
    anthropic = offers["Anthropic API"]
    assert (anthropic.input_price, anthropic.output_price) == (Decimal("15.00"), Decimal("75.00"))
    assert (anthropic.cached_input_price, anthropic.cache_write_price) == (
        Decimal("1.50"),
        Decimal("18.75"),
    )
    assert anthropic.features == ["Prompt caching", "Batch API", "Citations"]
    bedrock = offers["Amazon Bedrock"]
    assert (bedrock.input_price, bedrock.host_kind, bedrock.context_window) == (
        None,
        "cloud",
        200_000,
    )
    assert (bedrock.note, bedrock.features) == (
        "Same list price as the vendor API.",
        ["Batch inference"],
    )
    vertex = offers["Google Vertex AI"]
    assert (vertex.note, vertex.features) == ("Regional availability varies.", [])


def test_run_together_replacement_slugs_are_two_relations():
    objects = [r.object.identifier for r in extract(OPUS).of_type(RelationClaim)]
    assert objects == ["claude-sonnet-4", "claude-opus-4-1"]


def test_source_and_notes_split_for_multiword_sources():
    results = {r.benchmark: r for r in extract(OPUS).of_type(BenchmarkResultClaim)}
    assert set(results) == {"MMLU", "GPQA Diamond", "SWE-bench Verified"}
    assert results["GPQA Diamond"].version is None
    assert results["MMLU"].note == "Vendor-reported, 5-shot"
    swe = results["SWE-bench Verified"]
    assert (swe.version, swe.score, swe.reported_by, swe.note) == (
        "2024",
        Decimal("38.2"),
        "Artificial Analysis",
        "Independent run",
    )


# ---------------------------------------------------------------------------- shapes of page


def test_missing_tables_leave_their_claims_out_and_pricing_goes_to_the_vendor_api():
    extraction = extract(PAGES / "command_r_missing_sections.txt")
    model = page_model(extraction)
    assert (model.input_modalities, model.output_modalities) == (["text"], ["text"])
    # "Generationrerank": the vocabulary cuts the known word; the unknown one starts a flag
    assert model.capabilities == [
        "jsonMode",
        "toolUse",
        "citations",
        "groundedGeneration",
        "rerankSupport",
    ]
    assert model.aliases == [] and model.lifecycle_status is None
    (offer,) = extraction.of_type(OfferClaim)
    assert (offer.host, offer.host_kind) == ("Cohere API", "first-party")
    # an unknown pricing row is skipped, an empty discount is no discount
    assert (offer.input_price, offer.output_price, offer.batch_discount) == (
        Decimal("0.15"),
        Decimal("0.60"),
        None,
    )
    assert extraction.of_type(BenchmarkResultClaim) == []
    assert extraction.of_type(RelationClaim) == []
    assert extraction.of_type(LifecycleEventClaim) == []


def test_without_a_reference_note_the_first_first_party_host_gets_the_prices():
    offers = {o.host: o for o in extract(PAGES / "first_party_fallback.txt").of_type(OfferClaim)}
    assert offers["Example Cloud"].input_price is None
    assert offers["Example Cloud"].host_kind == "router"
    assert (offers["Example Labs API"].input_price, offers["Example Labs API"].output_price) == (
        Decimal("1.00"),
        Decimal("3.00"),
    )
    assert offers["Example Labs API"].note is None


def test_an_unparsable_price_names_line_and_field():
    with pytest.raises(ExtractionError, match="not a price") as caught:
        extract(PAGES / "bad_price.txt")
    assert (caught.value.line, caught.value.field) == (8, "Input")


def test_an_impossible_event_date_names_line_and_field():
    with pytest.raises(ExtractionError, match="Feb 30, 2025") as caught:
        extract(PAGES / "bad_event_date.txt")
    assert (caught.value.line, caught.value.field) == (8, "Date")


def test_a_page_cut_inside_a_benchmark_date_is_a_clear_error():
    with pytest.raises(ExtractionError, match="truncated") as caught:
        extract(PAGES / "truncated_mid_benchmark.txt")
    assert (caught.value.line, caught.value.field) == (54, "page")
    assert "'MMLU202482.4 %Jul 1, 20'" in caught.value.message


def test_a_page_cut_after_the_host_table_is_refused_not_read_as_a_page_without_migration():
    with pytest.raises(ExtractionError) as caught:
        extract(PAGES / "truncated_after_hosts.txt")
    assert (caught.value.line, caught.value.field) == (78, "page")
    assert "before the closing 'From OpenAI' / 'Other models from OpenAI' block" in (
        caught.value.message
    )
    assert caught.value.source.endswith("truncated_after_hosts.txt")


def test_the_closing_block_must_name_one_vendor_twice():
    text = SEED.read_text()
    page = Page(source_id="cut", text=text[: text.rindex("OpenAI")] + "Open")
    with pytest.raises(ExtractionError, match="truncated"):
        extractors.extract(page, "losclouds")


def test_a_page_without_the_vendor_line_is_an_error_naming_it():
    page = variant(SEED, "Model · OpenAI", "")
    with pytest.raises(ExtractionError) as caught:
        extractors.registry()["losclouds"].extract(page)
    assert caught.value.field == "vendor"


def _cut_points(text: str):
    position = 0
    for line in text.splitlines(keepends=True):
        yield from (position, position + len(line) // 2)
        position += len(line)


@pytest.mark.parametrize("path", [SEED, OPUS], ids=lambda p: p.name)
def test_any_truncation_is_refused_naming_its_last_line(path):
    text = path.read_text()
    extraction_quads(extractors.registry()["losclouds"].extract(read_page(path)))
    for cut in _cut_points(text):
        if not text[:cut].strip():
            continue
        page = Page(source_id="cut", text=text[:cut], path=f"{path.name}@{cut}")
        with pytest.raises(ExtractionError, match="truncated") as caught:
            extractors.registry()["losclouds"].extract(page)
        assert (caught.value.line, caught.value.field) == (
            len(text[:cut].rstrip().splitlines()), "page"), cut


def test_replacements_written_as_display_names_or_separated_slugs_are_read():
    page = variant(
        SEED, "Replacement modelsgpt-4-1-nano", "Replacement modelsGPT-4.1 nano, o3-mini"
    )
    relations = extractors.extract(page).of_type(RelationClaim)
    assert [r.object for r in relations] == [
        ModelRef(name="GPT-4.1 nano", vendor="OpenAI"),
        ModelRef(identifier="o3-mini", vendor="OpenAI"),
    ]


def test_an_event_title_starting_lower_case_is_not_eaten_by_the_type():
    page = variant(SEED, "family_addedGPT-4o mini published", "publishedo3 follow-up published")
    (event,) = extractors.extract(page).of_type(LifecycleEventClaim)
    assert (event.event_type, event.title) == ("published", "o3 follow-up published")
