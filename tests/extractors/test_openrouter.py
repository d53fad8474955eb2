"""OpenRouter model pages: model, router offer, vendor-reported score and prose relations."""

from decimal import Decimal
from pathlib import Path

import pytest

from modelgraph.errors import ExtractionError
from modelgraph.extractors import detect, extract
from modelgraph.identity import model_iri
from modelgraph.pages import Page, read_page
from modelgraph.rdf import extraction_quads, source_graph
from modelgraph.records import (
    BenchmarkResultClaim,
    ModelClaim,
    OfferClaim,
    PartialDate,
    RelationClaim,
)
from modelgraph.vocab import MG

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "001_640980e458994a2e.txt"
PAGES = ROOT / "tests" / "pages" / "openrouter"
OTHER_SEEDS = ["000_1327b00ca5eabaed.txt", "002_2003adbb85bd36f9.txt",
               "003_ec403d117877af56.txt", "004_852a53bb692f7bcf.txt"]


def only(claims):
    assert len(claims) == 1, claims
    return claims[0]


def with_first_line(path: Path, first: str) -> Page:
    """The page at `path` with its first line (the description's opening) replaced."""
    rest = path.read_text().split("\n", 1)[1]
    return Page(source_id="edited", text=f"{first}\n{rest}", path=f"edited-{path.name}")


def relations(extraction):
    return {(c.relation, c.object.name) for c in extraction.of_type(RelationClaim)}


@pytest.fixture(scope="module")
def seed():
    return extract(read_page(SEED))


def test_the_seed_page_is_detected_as_openrouter():
    assert detect(read_page(SEED)).name == "openrouter"


@pytest.mark.parametrize("name", OTHER_SEEDS)
def test_pages_of_other_formats_are_not_taken_for_openrouter(name):
    from modelgraph.extractors.openrouter import EXTRACTOR

    assert EXTRACTOR.detect(read_page(ROOT / "seeds" / name)) < 0.5


def test_the_model_is_named_by_the_first_sentence_with_its_vendor(seed):
    model = only(seed.of_type(ModelClaim))
    assert (model.model.name, model.model.vendor) == ("GPT-4o mini", "OpenAI")
    assert seed.source.site == "OpenRouter"
    assert seed.source.page_kind == "router model page"
    assert seed.source.title == "GPT-4o mini"


def test_label_values_are_normalised_keeping_date_precision(seed):
    model = only(seed.of_type(ModelClaim))
    assert model.context_window == 128_000
    assert model.release_date == PartialDate(year=2024, month=7, day=18)
    assert model.knowledge_cutoff == PartialDate(year=2023, month=10)
    assert model.knowledge_cutoff.precision == "month"
    assert model.tags == ["multimodal"]
    assert (model.input_modalities, model.output_modalities) == (["text", "image"], ["text"])


def test_the_description_is_the_authors_paragraph_up_to_the_tags(seed):
    model = only(seed.of_type(ModelClaim))
    assert model.description.startswith("GPT-4o mini is OpenAI's newest model")
    assert model.description.endswith("to learn more.")
    assert "#multimodal" not in model.description
    assert "(opens in new tab)" not in model.description
    assert model.locator.line == 1


def test_the_price_pair_is_an_offer_on_the_router(seed):
    offer = only(seed.of_type(OfferClaim))
    assert (offer.host, offer.host_kind) == ("OpenRouter", "router")
    assert (offer.input_price, offer.output_price) == (Decimal("0.15"), Decimal("0.60"))
    assert (offer.locator.line, offer.locator.field) == (8, "In / Out Price")


def test_the_mmlu_score_is_reported_by_the_vendor(seed):
    result = only(seed.of_type(BenchmarkResultClaim))
    assert (result.benchmark, result.score, result.unit) == ("MMLU", Decimal(82), "percent")
    assert result.reported_by == "OpenAI"
    assert "author" in result.note
    assert result.locator.line == 3


def test_prose_relations_name_the_other_models(seed):
    assert relations(seed) == {
        ("predecessor", "GPT-4 Omni"),
        ("cheaper_than", "GPT-3.5 Turbo"),
        ("compared_with", "GPT-4"),
    }
    cheaper = next(c for c in seed.of_type(RelationClaim) if c.relation == "cheaper_than")
    assert cheaper.note == "more than 60% cheaper than GPT-3.5 Turbo"
    assert cheaper.locator.line == 2


def test_boilerplate_prose_yields_no_relations(seed):
    # the chart text says "60–80% cheaper than the provider list price": not a model
    assert all(claim.locator.line <= 5 for claim in seed.of_type(RelationClaim))


def test_a_page_about_another_vendors_model_is_read_the_same_way():
    page = read_page(PAGES / "claude-haiku.txt")
    assert detect(page).name == "openrouter"
    extraction = extract(page)
    model = only(extraction.of_type(ModelClaim))
    assert (model.model.name, model.model.vendor) == ("Claude 3.5 Haiku", "Anthropic")
    assert model.context_window == 200_000
    assert model.release_date == PartialDate(year=2024, month=11, day=4)
    assert model.knowledge_cutoff == PartialDate(year=2024, month=7)
    assert model.tags == ["coding", "multimodal"]
    offer = only(extraction.of_type(OfferClaim))
    assert (offer.input_price, offer.output_price) == (Decimal("0.80"), Decimal(4))
    result = only(extraction.of_type(BenchmarkResultClaim))
    assert (result.benchmark, result.score, result.reported_by) == (
        "HumanEval", Decimal("88.1"), "Anthropic")
    assert relations(extraction) == {
        ("predecessor", "Claude 3 Haiku"),
        ("cheaper_than", "Claude 3.5 Sonnet"),
        ("compared_with", "Claude 3 Opus"),
    }


def test_labels_in_another_order_and_a_missing_cutoff_are_fine():
    extraction = extract(read_page(PAGES / "reordered-without-cutoff.txt"))
    model = only(extraction.of_type(ModelClaim))
    assert (model.model.name, model.model.vendor) == ("Llama 3.1 405B Instruct", "Meta")
    assert model.context_window == 131_072
    assert model.knowledge_cutoff is None
    assert model.tags == ["open-weights"]
    assert only(extraction.of_type(OfferClaim)).output_price == Decimal("0.80")
    assert relations(extraction) == {
        ("predecessor", "Llama 3 70B Instruct"),
        ("compared_with", "GPT-4 Omni"),
    }


def test_an_unreadable_price_names_its_line_and_field():
    with pytest.raises(ExtractionError) as raised:
        extract(read_page(PAGES / "bad-price.txt"))
    error = raised.value
    assert (error.line, error.field) == (7, "In / Out Price")
    assert error.source.endswith("bad-price.txt")
    assert "four dollars" in error.message


def test_a_label_cut_off_before_its_value_is_refused_as_truncated():
    with pytest.raises(ExtractionError) as raised:
        extract(read_page(PAGES / "truncated-label-without-value.txt"))
    assert (raised.value.line, raised.value.field) == (10, "page")
    assert "'Released'" in raised.value.message and "truncated" in raised.value.message


def test_a_page_cut_after_the_price_is_refused_not_read_as_a_page_without_context():
    with pytest.raises(ExtractionError) as raised:
        extract(read_page(PAGES / "truncated-after-price.txt"))
    assert (raised.value.line, raised.value.field) == (7, "page")
    assert "closing paragraph" in raised.value.message
    assert raised.value.source.endswith("truncated-after-price.txt")


def test_the_closing_paragraph_cut_mid_sentence_is_refused():
    text = SEED.read_text()
    page = Page(source_id="cut", text=text[: text.rindex(" slug below.")])
    with pytest.raises(ExtractionError, match="end of its last sentence") as raised:
        extract(page, "openrouter")
    assert raised.value.line == 22


def test_a_first_sentence_that_names_no_model_is_an_extraction_error():
    page = with_first_line(PAGES / "claude-haiku.txt", "GPT-4o mi")
    with pytest.raises(ExtractionError) as raised:
        extract(page, "openrouter")
    assert (raised.value.line, raised.value.field) == (1, "name")


def test_quads_go_to_the_pages_named_graph(seed):
    quads = extraction_quads(seed)
    graph = source_graph(seed.source_id)
    assert quads and all(quad.graph_name == graph for quad in quads)
    model = model_iri("gpt-4o-mini")
    triples = {(q.subject, q.predicate, q.object.value) for q in quads}
    assert (model, MG.contextWindow, "128000") in triples
    assert (model, MG.knowledgeCutoff, "2023-10") in triples
    assert (model, MG.cheaperThan, model_iri("gpt-3-5-turbo").value) in triples


@pytest.mark.parametrize(
    ("sentence", "name", "vendor"),
    [
        ('GPT-4o ("o" for "omni") is OpenAI\'s latest model.', "GPT-4o", "OpenAI"),
        ("DeepSeek-V3 is the latest model from the DeepSeek team.", "DeepSeek-V3", "DeepSeek"),
        ("Claude 3.5 Sonnet delivers better-than-Opus capabilities, at the same prices.",
         "Claude 3.5 Sonnet", None),
    ],
)
def test_the_model_name_is_read_from_other_first_sentence_shapes(sentence, name, vendor):
    page = with_first_line(PAGES / "claude-haiku.txt", sentence)
    model = only(extract(page, "openrouter").of_type(ModelClaim)).model
    assert (model.name, model.vendor) == (name, vendor)
