"""LLM Reference model profiles: the seed page and invented pages in the same format."""

from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal

from modelgraph import extractors
from modelgraph.errors import ExtractionError
from modelgraph.pages import Page, read_page
from modelgraph.rdf import extraction_quads, source_graph
from modelgraph.records import (
    AssessmentClaim,
    BenchmarkResultClaim,
    ModelClaim,
    OfferClaim,
    PartialDate,
    VendorClaim,
)
from modelgraph.vocab import MG, XSD

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
PAGES = ROOT / "tests" / "pages" / "llmreference"
SEED = SEEDS / "000_1327b00ca5eabaed.txt"


def extract(path: Path):
    return extractors.extract(read_page(path))


def variant(path: Path, old: str, new: str) -> Page:
    """The page at `path` with a piece of text replaced everywhere (a page about to go wrong)."""
    text = path.read_text()
    assert old in text
    return Page(source_id="variant", text=text.replace(old, new), path=f"{path.name}#variant")


def offers_by_host(extraction) -> dict[str, OfferClaim]:
    return {offer.host: offer for offer in extraction.of_type(OfferClaim)}


# ---------------------------------------------------------------------------- detection


@pytest.mark.parametrize("path", [SEED, *sorted(PAGES.glob("*.txt"))], ids=lambda p: p.name)
def test_detect_picks_llmreference_for_its_pages(path):
    assert extractors.detect(read_page(path)).name == "llmreference"


@pytest.mark.parametrize("path", sorted(set(SEEDS.glob("*.txt")) - {SEED}), ids=lambda p: p.name)
def test_llmreference_does_not_claim_other_sites_pages(path):
    assert extractors.registry()["llmreference"].detect(read_page(path)) < 0.5


# ---------------------------------------------------------------------------- the seed


def test_the_seed_describes_itself_as_an_llm_reference_model_profile():
    source = extract(SEED).source
    assert source.site == "LLM Reference"
    assert source.page_kind == "model profile"
    assert source.title == "GPT-4o-mini"
    assert source.refreshed == PartialDate.parse("2026-05-11")
    assert source.researched == PartialDate.parse("2026-05-10")


def test_the_seed_model_claim_reads_the_specifications_table():
    (model,) = extract(SEED).of_type(ModelClaim)
    assert (model.model.name, model.model.identifier, model.model.vendor) == (
        "GPT-4o-mini",
        "gpt-4o-mini",
        "OpenAI",
    )
    assert model.family == "GPT-4o"
    assert model.release_date == PartialDate.parse("2024-07-18")
    assert model.context_window == 128_000
    assert model.max_output_tokens == 16_384
    assert model.architecture == "Decoder Only"
    assert model.specialization == "general"
    assert model.license == "Proprietary"
    assert model.open_weights is False  # a proprietary license means unpublished weights
    assert model.locator.line == 3


def test_run_together_tags_and_capabilities_split_at_case_boundaries():
    (model,) = extract(SEED).of_type(ModelClaim)
    assert model.tags == [
        "Proprietary",
        "RAG",
        "Long context",
        "Vision",
        "Classification",
        "JSON / Tool use",
    ]
    assert model.capabilities == [
        "Structured Outputs",
        "Prompt Caching",
        "Batch API",
        "Fine-tuning",
    ]


def test_every_ladder_row_is_an_offer_with_its_route_even_without_prices():
    offers = offers_by_host(extract(SEED))
    assert list(offers) == ["OpenAI API", "OpenRouter", "Azure OpenAI"]
    openai = offers["OpenAI API"]
    assert (openai.input_price, openai.output_price, openai.cached_input_price) == (
        Decimal("0.150"),
        Decimal("0.600"),
        Decimal("0.075"),
    )
    assert openai.host_kind == "serverless"
    assert openai.locator.line == 72
    azure = offers["Azure OpenAI"]
    assert (azure.input_price, azure.output_price, azure.cached_input_price) == (None, None, None)
    assert azure.availability == "Partial"


def test_about_prices_agree_with_the_ladder_and_are_not_stated_twice():
    offers = extract(SEED).of_type(OfferClaim)
    openrouter = [offer for offer in offers if offer.host == "OpenRouter"]
    assert len(openrouter) == 1
    assert (openrouter[0].input_price, openrouter[0].output_price) == (
        Decimal("0.150"),
        Decimal("0.600"),
    )


def test_about_prices_that_contradict_the_ladder_are_an_error_naming_the_line():
    page = variant(SEED, "$0.6/1M", "$0.7/1M")  # both About sentences, against the ladder
    with pytest.raises(ExtractionError, match="ladder says") as caught:
        extractors.extract(page)
    assert (caught.value.line, caught.value.field) == (87, "About output price")


def test_benchmark_scores_keep_their_url_and_arena_ratings_are_elo():
    results = {r.benchmark: r for r in extract(SEED).of_type(BenchmarkResultClaim)}
    arena = results["Chatbot Arena"]
    assert (arena.score, arena.unit, arena.benchmark_url) == (
        Decimal("1235.0"),
        "elo",
        "https://lmarena.ai",
    )
    mmmu = results["Massive Multi-discipline Multimodal Understanding"]
    assert (mmmu.score, mmmu.unit, mmmu.version) == (Decimal("59.4"), "points", None)
    assert mmmu.benchmark_url == "https://mmmu-benchmark.github.io/"


def test_the_quality_per_dollar_grade_is_an_assessment():
    (grade,) = extract(SEED).of_type(AssessmentClaim)
    assert (grade.metric, grade.value, grade.locator.line) == ("quality per dollar", "A", 41)


def test_created_by_describes_the_vendor():
    (vendor,) = extract(SEED).of_type(VendorClaim)
    assert vendor.name == "OpenAI"
    assert vendor.headquarters == "San Francisco, California, United States"
    assert vendor.founded == 2015
    assert vendor.description == "Cutting-edge research and development."


def test_quads_land_in_the_pages_named_graph():
    extraction = extract(SEED)
    quads = extraction_quads(extraction)
    assert quads
    assert {quad.graph_name for quad in quads} == {source_graph(extraction.source_id)}
    prices = {quad.object for quad in quads if quad.predicate == MG.cachedInputPrice}
    assert prices == {Literal("0.075", datatype=XSD.decimal)}


# ---------------------------------------------------------------------------- another model


def test_another_vendors_profile_reads_the_same_way():
    extraction = extract(PAGES / "mistral_large_2.txt")
    (model,) = extraction.of_type(ModelClaim)
    assert (model.model.name, model.model.identifier, model.model.vendor) == (
        "Mistral Large 2",
        "mistral-large-2407",
        "Mistral",
    )
    assert (model.context_window, model.max_output_tokens) == (128_000, 4_096)
    assert (model.parameter_count, model.parameter_count_approximate) == (123_000_000_000, False)
    assert model.license == "Mistral Research License"
    assert model.open_weights is None  # only "Proprietary" decides it
    assert model.tags == [
        "Open weights",
        "Coding",
        "Multilingual",
        "Agents",
        "JSON / Tool use",
        "Long context",
    ]
    assert model.capabilities == ["Function Calling", "JSON Mode", "Fine-tuning"]
    assert extraction.source.researched == PartialDate.parse("2026-03-30")
    (grade,) = extraction.of_type(AssessmentClaim)
    assert grade.value == "B+"
    (vendor,) = extraction.of_type(VendorClaim)
    assert (vendor.headquarters, vendor.founded, vendor.website) == (
        "Paris, France",
        2023,
        "https://mistral.ai",
    )


def test_ladder_routes_cache_writes_and_prose_prices_for_a_priceless_row():
    offers = offers_by_host(extract(PAGES / "mistral_large_2.txt"))
    assert offers["Mistral API"].host_kind == "first-party"
    bedrock = offers["Amazon Bedrock"]
    assert (bedrock.cached_input_price, bedrock.cache_write_price) == (
        Decimal("0.300"),
        Decimal("3.750"),
    )
    assert offers["Google Vertex AI"].availability == "Preview"
    # the ladder leaves OpenRouter's cells as "-"; the About prose prices it
    assert (offers["OpenRouter"].input_price, offers["OpenRouter"].output_price) == (
        Decimal(2),
        Decimal(6),
    )


def test_a_benchmark_name_ending_in_digits_keeps_them_and_versions_are_read():
    results = {
        r.benchmark: r for r in extract(PAGES / "mistral_large_2.txt").of_type(BenchmarkResultClaim)
    }
    assert set(results) == {"Chatbot Arena", "AIME 2024", "HumanEval"}
    assert (results["AIME 2024"].score, results["AIME 2024"].unit) == (Decimal("12.5"), "points")
    assert (results["HumanEval"].score, results["HumanEval"].version) == (Decimal("92.0"), "v1.2")
    assert results["Chatbot Arena"].unit == "elo"


def test_a_whole_number_score_directly_before_the_url_is_read():
    page = variant(PAGES / "mistral_large_2.txt", "HumanEval92.0v1.2https", "HumanEval92https")
    results = {r.benchmark: r for r in extractors.extract(page).of_type(BenchmarkResultClaim)}
    assert (results["HumanEval"].score, results["HumanEval"].version) == (Decimal(92), None)


def test_without_about_prose_the_first_party_route_names_the_vendor():
    path = PAGES / "mistral_large_2.txt"
    page = variant(path, "Mistral: Mistral Large 2 available via OpenRouter.", "Hosted widely.")
    (model,) = extractors.extract(page).of_type(ModelClaim)
    assert model.model.vendor == "Mistral"


# ---------------------------------------------------------------------------- shapes of page


def test_reordered_sections_and_missing_ones_still_extract():
    extraction = extract(PAGES / "claude_haiku_reordered.txt")
    (model,) = extraction.of_type(ModelClaim)
    assert model.model.vendor == "Anthropic"
    assert (model.context_window, model.max_output_tokens) == (200_000, 8_192)
    assert model.specialization is None  # "-" in the table
    assert model.capabilities == ["Tool Use", "Prompt Caching", "Batch API", "Computer Use"]
    assert extraction.of_type(BenchmarkResultClaim) == []
    assert extraction.of_type(AssessmentClaim) == []
    # no ladder: the one offer is the host the About prose names
    (offer,) = extraction.of_type(OfferClaim)
    assert (offer.host, offer.input_price, offer.output_price) == (
        "OpenRouter",
        Decimal("0.80"),
        Decimal(4),
    )
    # no Freshness section: the decision-context sentence dates the research
    assert extraction.source.researched == PartialDate.parse("2026-02-02")
    (vendor,) = extraction.of_type(VendorClaim)
    assert vendor.founded == 2021


def test_an_unparsable_price_names_line_and_column():
    with pytest.raises(ExtractionError, match="not a price") as caught:
        extract(PAGES / "bad_price.txt")
    assert (caught.value.line, caught.value.field) == (14, "Input / 1M")
    assert caught.value.source.endswith("bad_price.txt")


def test_an_impossible_release_date_names_line_and_field():
    with pytest.raises(ExtractionError, match="2024-02-30") as caught:
        extractors.extract(variant(SEED, "Released2024-07-18", "Released2024-02-30"))
    assert (caught.value.line, caught.value.field) == (109, "Released")


def test_a_page_cut_inside_a_ladder_row_is_a_clear_error():
    with pytest.raises(ExtractionError, match="truncated") as caught:
        extract(PAGES / "truncated_mid_ladder.txt")
    assert caught.value.line == 74


def test_a_page_cut_inside_the_specifications_is_refused_not_read_as_a_shorter_profile():
    with pytest.raises(ExtractionError, match="before the closing 'Created by'") as caught:
        extract(PAGES / "truncated_in_specifications.txt")
    assert (caught.value.line, caught.value.field) == (111, "page")
    assert "'Max outp'" in caught.value.message
    assert caught.value.source.endswith("truncated_in_specifications.txt")


def test_a_website_url_cut_short_leaves_the_vendor_block_unfinished():
    text = (PAGES / "mistral_large_2.txt").read_text()
    page = Page(source_id="cut", text=text[: text.index("mistral.ai")] + "mistr")
    with pytest.raises(ExtractionError, match="'Website' line that closes") as caught:
        extractors.extract(page, "llmreference")
    assert caught.value.line == len(text.splitlines())


@pytest.mark.parametrize(
    ("cut_after", "expected"),
    [
        ("No linked migration ro", "end of its sentence in 'Migration checks'"),
        ("Migration checks", "text of its 'Migration checks' section"),
    ],
)
def test_a_reordered_page_must_still_end_on_a_whole_line(cut_after, expected):
    text = (PAGES / "claude_haiku_reordered.txt").read_text()
    page = Page(source_id="cut", text=text[: text.rindex(cut_after) + len(cut_after)])
    with pytest.raises(ExtractionError, match="truncated") as caught:
        extractors.extract(page, "llmreference")
    assert expected in caught.value.message
    assert caught.value.line == len(page.text.splitlines())


def _vendor_block_first(tail: str) -> Page:
    """The reordered Haiku page with the vendor block before `tail` (which ends the page)."""
    text = (PAGES / "claude_haiku_reordered.txt").read_text()
    header = text[: text.index("Specifications")]
    vendor = text[text.index("Created by") : text.index("Capabilities")]
    return Page(source_id="reordered", text=header + vendor + tail)


LADDER = "Provider price ladder\n\nProviderInput / 1MOutput / 1MCacheRoute\n"


@pytest.mark.parametrize(
    ("tail", "refused"),
    [
        ("Specifications\n\nFamilyClaude 3.5\nContext200K\n", None),
        ("Specifications\n\nFamilyClaude 3.5\nConte", "value of its 'Specifications' row"),
        ("Specifications\n\nFamilyClaude 3.5\nContext", "value of its 'Specifications' row"),
        (LADDER + "OpenRouter$0.800$4.000-\nServerless\n", None),
        (LADDER + "OpenRouter$0.800$4.000-\n", "route line"),
        (LADDER, "route line"),
        ("Rankings\n", None),
    ],
)
def test_a_page_ending_in_a_table_must_end_on_a_whole_row(tail, refused):
    page = _vendor_block_first(tail)
    if refused is None:
        assert extractors.extract(page, "llmreference").of_type(ModelClaim)
        return
    with pytest.raises(ExtractionError, match="truncated") as caught:
        extractors.extract(page, "llmreference")
    assert refused in caught.value.message


def _cut_points(text: str):
    position = 0
    for line in text.splitlines(keepends=True):
        yield from (position, position + len(line) // 2)
        position += len(line)


@pytest.mark.parametrize("path", [SEED, PAGES / "mistral_large_2.txt"], ids=lambda p: p.name)
def test_any_truncation_of_a_page_in_template_order_is_refused_naming_its_last_line(path):
    text = path.read_text()
    extraction_quads(extractors.registry()["llmreference"].extract(read_page(path)))
    for cut in _cut_points(text):
        if not text[:cut].strip():
            continue
        page = Page(source_id="cut", text=text[:cut], path=f"{path.name}@{cut}")
        with pytest.raises(ExtractionError, match="truncated") as caught:
            extractors.registry()["llmreference"].extract(page)
        assert caught.value.line == len(text[:cut].rstrip().splitlines()), cut
