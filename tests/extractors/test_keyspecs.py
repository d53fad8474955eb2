"""OpenRouter-catalogue mirrors ("keyspecs"): main model and snapshot, site assessments and
benchmarks, endpoint offers, and the vendor's other models."""

from decimal import Decimal
from pathlib import Path

import pytest

from modelgraph.errors import ExtractionError
from modelgraph.extractors import detect, extract
from modelgraph.identity import model_iri
from modelgraph.pages import Page, read_page
from modelgraph.rdf import extraction_quads, source_graph
from modelgraph.records import (
    AssessmentClaim,
    BenchmarkResultClaim,
    ModelClaim,
    ModelRef,
    OfferClaim,
    PartialDate,
    RelationClaim,
)
from modelgraph.vocab import MG

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "002_2003adbb85bd36f9.txt"
PAGES = ROOT / "tests" / "pages" / "keyspecs"
OTHER_SEEDS = ["000_1327b00ca5eabaed.txt", "001_640980e458994a2e.txt",
               "003_ec403d117877af56.txt", "004_852a53bb692f7bcf.txt"]


def model_claims(extraction, name):
    return [c for c in extraction.of_type(ModelClaim) if c.model.name == name]


def only(claims):
    assert len(claims) == 1, claims
    return claims[0]


def scores(extraction, model_name=None):
    return {c.benchmark: c.score for c in extraction.of_type(BenchmarkResultClaim)
            if model_name is None or c.model.name == model_name}


def assessments(extraction, model_name):
    return {c.metric: (c.value, c.numeric) for c in extraction.of_type(AssessmentClaim)
            if c.model.name == model_name}


def edited(path: Path, old: str, new: str) -> Page:
    text = path.read_text()
    assert old in text
    return Page(source_id="edited", text=text.replace(old, new))


@pytest.fixture(scope="module")
def seed():
    return extract(read_page(SEED))


@pytest.fixture(scope="module")
def mistral():
    return extract(read_page(PAGES / "mistral-small.txt"))


def test_the_seed_page_is_detected_as_keyspecs():
    assert detect(read_page(SEED)).name == "keyspecs"


@pytest.mark.parametrize("name", OTHER_SEEDS)
def test_pages_of_other_formats_are_not_taken_for_keyspecs(name):
    from modelgraph.extractors.keyspecs import EXTRACTOR

    assert EXTRACTOR.detect(read_page(ROOT / "seeds" / name)) < 0.5


def test_the_site_is_left_to_the_manifest(seed):
    assert seed.source.site is None
    assert seed.source.page_kind == "router catalogue mirror"
    assert seed.source.title == "GPT-4o-mini (2024-07-18)"


def test_the_main_model_is_an_alias_with_a_dated_snapshot(seed):
    alias = model_claims(seed, "GPT-4o-mini")[0]
    assert alias.model.vendor == "OpenAI"
    assert alias.description.startswith("GPT-4o mini is OpenAI's newest model after GPT-4 Omni")
    assert "](" not in alias.description and "#multimodal" not in alias.description
    assert alias.tags == ["multimodal"]
    snapshot = only(model_claims(seed, "GPT-4o-mini (2024-07-18)"))
    assert snapshot.snapshot_of == ModelRef(name="GPT-4o-mini", vendor="OpenAI")


def test_description_links_give_model_identifiers(seed):
    objects = {(c.relation, c.object.name, c.object.identifier)
               for c in seed.of_type(RelationClaim)}
    assert objects == {
        ("predecessor", "GPT-4 Omni", "openai/gpt-4o"),
        ("cheaper_than", "GPT-3.5 Turbo", "openai/gpt-3.5-turbo"),
        ("compared_with", "GPT-4", None),
    }


def test_performance_summary_percentiles_are_assessments(seed):
    found = assessments(seed, "GPT-4o-mini (2024-07-18)")
    assert found == {
        "speed percentile": ("78", Decimal(78)),
        "pricing percentile": ("73", Decimal(73)),
        "reliability percentile": ("100", Decimal(100)),
    }


def test_baseline_benchmarks_take_the_percentage_of_their_clause(seed):
    assert scores(seed, "GPT-4o-mini (2024-07-18)") == {
        "Ethics (Baseline)": Decimal(100),
        "General Knowledge (Baseline)": Decimal("99.0"),
        "Coding (Baseline)": Decimal("87.0"),
        "Email Classification (Baseline)": Decimal("98.0"),
        "Reasoning (Baseline)": Decimal("56.0"),
        "Instruction Following (Baseline)": Decimal("61.0"),
    }
    assert all(c.unit == "percent" for c in seed.of_type(BenchmarkResultClaim))


def test_the_authors_mmlu_score_is_vendor_reported(seed):
    mmlu = only([c for c in seed.of_type(BenchmarkResultClaim) if c.benchmark == "MMLU"])
    assert (mmlu.score, mmlu.reported_by, mmlu.model.name) == (
        Decimal(82), "OpenAI", "GPT-4o-mini")


def test_the_cache_read_price_joins_the_endpoint_with_equal_prices(seed):
    offer = only(seed.of_type(OfferClaim))
    assert (offer.host, offer.endpoint_id) == ("OpenAI", "openai/gpt-4o-mini-2024-07-18")
    assert offer.model.name == "GPT-4o-mini"
    assert offer.context_window == 128_000
    assert (offer.input_price, offer.output_price, offer.cached_input_price) == (
        Decimal("0.15"), Decimal("0.6"), Decimal("0.075"))
    assert offer.locator.line == 23


def test_every_other_model_row_is_a_model_claim(seed):
    rows = [c for c in seed.of_type(ModelClaim) if c.locator.field == "Other Models by"]
    # 37 rows; one name is listed twice (retired and current), kept once
    assert len(rows) == 36
    o3_pro = only(model_claims(seed, "o3 Pro"))
    assert o3_pro.model.vendor == "OpenAI"
    assert o3_pro.release_date == PartialDate(year=2025, month=6, day=10)
    assert (o3_pro.parameter_count, o3_pro.parameter_count_approximate) == (400 * 10**9, True)
    assert o3_pro.context_window == 200_000
    assert o3_pro.input_modalities == ["image", "file", "text"]
    assert o3_pro.output_modalities == ["text"]
    assert o3_pro.available is None


def test_unavailable_rows_and_exact_parameter_counts(seed):
    preview = only(model_claims(seed, "GPT-4.5 (Preview)"))
    assert preview.available is False
    o1_pro = only(model_claims(seed, "o1-pro"))
    assert (o1_pro.parameter_count, o1_pro.parameter_count_approximate) == (300 * 10**9, False)
    assert only(model_claims(seed, "Codex Mini")).parameter_count is None


def test_a_name_listed_twice_keeps_the_row_not_marked_unavailable(seed):
    row = only(model_claims(seed, "GPT-3.5 Turbo 16k"))
    assert row.available is None
    assert row.release_date == PartialDate(year=2023, month=8, day=27)


def test_the_pages_own_model_row_keeps_its_stated_release_date(seed):
    row = only([c for c in model_claims(seed, "GPT-4o-mini") if c.release_date])
    assert row.release_date == PartialDate(year=2024, month=7, day=17)


def test_dated_rows_are_snapshots_of_their_alias(seed):
    row = only(model_claims(seed, "GPT-4o (2024-11-20)"))
    assert row.snapshot_of.name == "GPT-4o"


def test_ratings_count_stars_and_dollar_signs_and_skip_dashes(seed):
    assert assessments(seed, "o3 Pro") == {"cost rating": ("+$$$$$", Decimal(5))}
    assert assessments(seed, "GPT-4.1 Mini") == {
        "speed rating": ("★★★★", Decimal(4)),
        "ability rating": ("★★★★", Decimal(4)),
        "cost rating": ("$$$", Decimal(3)),
    }


def test_another_vendors_page_is_read_the_same_way(mistral):
    assert detect(read_page(PAGES / "mistral-small.txt")).name == "keyspecs"
    alias = model_claims(mistral, "Mistral Small 3")[0]
    assert alias.model.vendor == "Mistral"
    assert alias.capabilities == ["Tool Calling", "Structured Outputs"]
    assert alias.tags == ["efficient", "open-weights"]
    assert only(model_claims(mistral, "Mistral Small 3 (2025-01-30)")).snapshot_of.name == (
        "Mistral Small 3")
    assert assessments(mistral, "Mistral Small 3 (2025-01-30)") == {
        "speed percentile": ("64", Decimal(64)),
        "pricing percentile": ("91", Decimal(91)),
        "reliability percentile": ("88", Decimal(88)),
    }
    assert {(c.relation, c.object.identifier) for c in mistral.of_type(RelationClaim)} == {
        ("predecessor", "mistralai/mistral-small-2409"),
        ("cheaper_than", "meta-llama/llama-3.3-70b-instruct"),
        ("compared_with", "google/gemma-2-27b-it"),
    }


def test_a_benchmark_in_summary_and_table_keeps_the_more_precise_score(mistral):
    found = scores(mistral, "Mistral Small 3 (2025-01-30)")
    assert found == {
        "Coding (Baseline)": Decimal("87.5"),  # the table's 87.5% rounds to the prose's 88%
        "Reasoning (Baseline)": Decimal("41.5"),
        "General Knowledge (Baseline)": Decimal("93.0"),
    }
    assert scores(mistral, "Mistral Small 3") == {"MMLU": Decimal(81)}


def test_only_endpoints_priced_like_the_current_pricing_get_its_cache_price(mistral):
    offers = {offer.host: offer for offer in mistral.of_type(OfferClaim)}
    assert set(offers) == {"Mistral", "Together"}
    assert offers["Mistral"].cached_input_price == Decimal("0.01")
    assert offers["Together"].cached_input_price is None
    assert offers["Together"].input_price == Decimal("0.8")
    assert offers["Together"].endpoint_id == "mistralai/mistral-small-24b-instruct-2501"


def test_a_dash_rating_gives_no_assessment(mistral):
    assert only(model_claims(mistral, "Mistral Medium")).available is False
    assert set(assessments(mistral, "Mistral Medium")) == {"ability rating", "cost rating"}


def test_sections_in_another_order_and_missing_ones_are_fine():
    page = read_page(PAGES / "reordered-without-endpoints.txt")
    assert detect(page).name == "keyspecs"
    extraction = extract(page)
    main = only(model_claims(extraction, "QwQ 32B"))
    assert main.model.vendor == "Qwen" and main.snapshot_of is None
    assert extraction.source.title == "QwQ 32B"
    assert scores(extraction) == {"Ethics (Baseline)": Decimal("99.5"),
                                  "Reasoning (Baseline)": Decimal("78.0")}
    assert set(assessments(extraction, "QwQ 32B")) == {"speed percentile", "pricing percentile"}
    # no endpoint rows: the Current Pricing is the router's own offer
    offer = only(extraction.of_type(OfferClaim))
    assert (offer.host, offer.host_kind) == ("OpenRouter", "router")
    assert (offer.input_price, offer.output_price, offer.cached_input_price) == (
        Decimal("0.9"), Decimal("0.9"), Decimal("0.45"))
    assert only(model_claims(extraction, "Qwen2.5 72B Instruct")).parameter_count == 72 * 10**9


def test_an_unreadable_rating_names_its_line_and_column():
    with pytest.raises(ExtractionError) as raised:
        extract(read_page(PAGES / "bad-rating.txt"))
    assert (raised.value.line, raised.value.field) == (49, "Ability")
    assert raised.value.source.endswith("bad-rating.txt")


def test_contradicting_scores_for_one_benchmark_name_both_lines():
    with pytest.raises(ExtractionError) as raised:
        extract(read_page(PAGES / "contradicting-benchmark.txt"))
    assert raised.value.line == 32
    assert "line 11" in raised.value.message and "70.0%" in raised.value.message


def test_a_page_cut_between_catalogue_rows_is_refused_not_read_as_a_shorter_catalogue():
    with pytest.raises(ExtractionError) as raised:
        extract(read_page(PAGES / "truncated.txt"))
    assert (raised.value.line, raised.value.field) == (44, "page")
    assert "ratings row (Speed | Ability | Cost |)" in raised.value.message
    assert "truncated" in raised.value.message


def test_a_page_cut_inside_a_row_is_an_extraction_error():
    text = SEED.read_text()
    cut = text[: text.index("OpenAI: Codex Mini | May 16, 2025") + len("OpenAI: Codex Mini | May 16")]
    with pytest.raises(ExtractionError, match="truncated") as raised:
        extract(Page(source_id="cut", text=cut), "keyspecs")
    assert raised.value.line == 40


@pytest.mark.parametrize(
    ("cut_after", "refused"),
    [
        ("This model supports the following param", "'This model supports the following"),
        ("Supported Parameters", "text of its 'Supported Parameters' section"),
        ("Prompt | $0.9", "rest of its table row"),
        ("Pricing lands in the 55th perc", "end of its last sentence in 'Performance Summary'"),
    ],
)
def test_a_reordered_page_must_still_end_on_a_whole_line(cut_after, refused):
    text = (PAGES / "reordered-without-endpoints.txt").read_text()
    page = Page(source_id="cut", text=text[: text.index(cut_after) + len(cut_after)])
    with pytest.raises(ExtractionError, match="truncated") as raised:
        extract(page, "keyspecs")
    assert refused in raised.value.message


def test_a_catalogue_without_rows_is_unfinished():
    text = SEED.read_text()
    page = Page(source_id="cut", text=text[: text.index("OpenAI: o3 Pro |")])
    with pytest.raises(ExtractionError, match="rows of its 'Other Models by openai' table"):
        extract(page, "keyspecs")


def test_an_empty_description_section_is_an_extraction_error():
    lines = SEED.read_text().splitlines()
    page = Page(source_id="edited", text="\n".join(lines[:1] + lines[2:]))
    with pytest.raises(ExtractionError) as raised:
        extract(page, "keyspecs")
    assert (raised.value.line, raised.value.field) == (1, "description")


def test_quads_go_to_the_pages_named_graph(seed):
    quads = extraction_quads(seed)
    graph = source_graph(seed.source_id)
    assert all(quad.graph_name == graph for quad in quads)
    triples = {(q.subject, q.predicate, q.object.value) for q in quads}
    snapshot = model_iri("gpt-4o-mini-2024-07-18")
    assert (snapshot, MG.snapshotOf, model_iri("gpt-4o-mini").value) in triples
    assert (model_iri("o3-pro"), MG.contextWindow, "200000") in triples
    assert (model_iri("gpt-4-5-preview"), MG.available, "false") in triples


def test_a_summary_opening_with_an_article_still_names_the_model():
    page = edited(PAGES / "reordered-without-endpoints.txt", "QwQ 32B delivers",
                  "The QwQ 32B model delivers")
    assert extract(page, "keyspecs").source.title == "QwQ 32B"


def test_hollow_stars_count_only_the_filled_ones():
    page = edited(PAGES / "mistral-small.txt", "★★★ | ★★★★ | $$$$ |", "★★★☆☆ | ★★★★☆ | $$$$ |")
    found = assessments(extract(page, "keyspecs"), "Mistral Large 2411")
    assert found["speed rating"] == ("★★★☆☆", Decimal(3))
    assert found["ability rating"] == ("★★★★☆", Decimal(4))


def test_a_percentile_stated_twice_with_different_ranks_is_an_error():
    page = edited(PAGES / "mistral-small.txt", "General Knowledge (Baseline) reached 93.0%.",
                  "General Knowledge (Baseline) reached 93.0%. Its speed is only 40th percentile.")
    with pytest.raises(ExtractionError) as raised:
        extract(page, "keyspecs")
    assert (raised.value.line, raised.value.field) == (11, "speed percentile")
    assert "64" in raised.value.message and "40" in raised.value.message
