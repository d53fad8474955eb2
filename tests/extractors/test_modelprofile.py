"""Model profile pages: header label/values reconciled with the prose, the offer on the
host the prose names, and "Compared with" relations."""

from decimal import Decimal
from pathlib import Path

import pytest

from modelgraph.errors import ExtractionError
from modelgraph.extractors import detect, extract
from modelgraph.identity import model_iri
from modelgraph.pages import Page, read_page
from modelgraph.rdf import extraction_quads, source_graph
from modelgraph.records import ModelClaim, OfferClaim, PartialDate, RelationClaim
from modelgraph.vocab import MG

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "004_852a53bb692f7bcf.txt"
PAGES = ROOT / "tests" / "pages" / "modelprofile"
SONNET = PAGES / "claude-sonnet.txt"
OTHER_SEEDS = ["000_1327b00ca5eabaed.txt", "001_640980e458994a2e.txt",
               "002_2003adbb85bd36f9.txt", "003_ec403d117877af56.txt"]


def only(claims):
    assert len(claims) == 1, claims
    return claims[0]


def compared(extraction):
    assert all(c.relation == "compared_with" for c in extraction.of_type(RelationClaim))
    return [c.object.name for c in extraction.of_type(RelationClaim)]


def edited(path: Path, old: str, new: str) -> Page:
    text = path.read_text()
    assert old in text
    return Page(source_id="edited", text=text.replace(old, new), path=f"edited-{path.name}")


@pytest.fixture(scope="module")
def seed():
    return extract(read_page(SEED))


@pytest.fixture(scope="module")
def sonnet():
    return extract(read_page(SONNET))


def test_the_seed_page_is_detected_as_modelprofile():
    assert detect(read_page(SEED)).name == "modelprofile"


@pytest.mark.parametrize("name", OTHER_SEEDS)
def test_pages_of_other_formats_are_not_taken_for_modelprofile(name):
    from modelgraph.extractors.modelprofile import EXTRACTOR

    assert EXTRACTOR.detect(read_page(ROOT / "seeds" / name)) < 0.5


def test_the_header_names_model_vendor_and_family(seed):
    model = only(seed.of_type(ModelClaim))
    assert (model.model.name, model.model.vendor, model.family) == (
        "GPT-4o mini", "OpenAI", "GPT-4o")
    assert model.description.startswith("Lower-cost GPT-4o API tier")
    assert model.tags == ["multimodal", "cost-efficient", "assistant", "automation", "production"]


def test_label_values_are_normalised(seed):
    model = only(seed.of_type(ModelClaim))
    assert model.model_type == "multimodal"
    assert model.context_window == 128_000
    assert model.lifecycle_status == "current"
    assert model.api_access is True
    assert (model.license, model.open_weights) == ("proprietary", False)


def test_the_prose_max_output_is_kept_over_the_rounded_header(seed):
    # header "16K tokens", Technical Details "16,384 max output tokens": they agree by rounding
    assert only(seed.of_type(ModelClaim)).max_output_tokens == 16_384


def test_dates_keep_the_precision_the_page_states(seed):
    model = only(seed.of_type(ModelClaim))
    assert model.release_date == PartialDate(year=2024, month=7)
    assert model.updated == PartialDate(year=2026, month=5, day=16)
    assert seed.source.verified == PartialDate(year=2026, month=5, day=16)
    assert seed.source.updated == PartialDate(year=2026, month=5, day=16)


def test_source_info_leaves_the_site_to_the_manifest(seed):
    assert seed.source.site is None
    assert (seed.source.page_kind, seed.source.title) == ("model profile", "GPT-4o mini")


def test_modalities_come_from_the_overview_prose(seed):
    model = only(seed.of_type(ModelClaim))
    assert (model.input_modalities, model.output_modalities) == (["text", "image"], ["text"])


def test_the_offer_is_on_the_host_the_prose_names_with_the_garbled_cached_price(seed):
    offer = only(seed.of_type(OfferClaim))
    assert offer.host == "OpenAI API"
    assert (offer.input_price, offer.output_price, offer.cached_input_price) == (
        Decimal("0.15"), Decimal("0.60"), Decimal("0.075"))


def test_comparisons_name_models_not_eras(seed):
    assert compared(seed) == ["GPT-4o", "GPT-5 mini", "Gemini 2.5 Flash-Lite"]
    first = seed.of_type(RelationClaim)[0]
    assert (first.locator.line, first.locator.field) == (50, "Comparisons")


def test_another_vendors_profile_is_read_the_same_way(sonnet):
    assert detect(read_page(SONNET)).name == "modelprofile"
    model = only(sonnet.of_type(ModelClaim))
    assert (model.model.name, model.model.vendor, model.family) == (
        "Claude Sonnet 4", "Anthropic", "Claude 4")
    assert (model.context_window, model.max_output_tokens) == (200_000, 64_000)
    assert model.lifecycle_status == "active"
    assert model.release_date == PartialDate(year=2025, month=5)
    assert sonnet.source.verified == PartialDate(year=2026, month=3, day=2)
    assert (model.input_modalities, model.output_modalities) == (
        ["text", "image", "pdf"], ["text"])
    assert compared(sonnet) == ["Claude Opus 4", "Claude 3.7 Sonnet", "GPT-4.1"]


def test_of_several_hosts_named_the_vendors_own_carries_the_prices(sonnet):
    offer = only(sonnet.of_type(OfferClaim))
    assert offer.host == "Anthropic API"
    assert (offer.input_price, offer.output_price, offer.cached_input_price) == (
        Decimal(3), Decimal(15), Decimal("0.30"))


def test_a_single_third_party_host_named_in_the_prose_is_the_offers_host():
    page = edited(SONNET, "Amazon Bedrock, Anthropic API and Google Vertex AI", "Amazon Bedrock")
    assert only(extract(page, "modelprofile").of_type(OfferClaim)).host == "Amazon Bedrock"


def test_without_a_named_host_the_offer_falls_back_to_the_vendors_api():
    page = edited(SONNET, " It is available through Amazon Bedrock, Anthropic API and Google "
                  "Vertex AI.", "")
    assert only(extract(page, "modelprofile").of_type(OfferClaim)).host == "Anthropic API"


def test_reordered_labels_and_sections_and_an_open_licence():
    page = read_page(PAGES / "reordered-open-weights.txt")
    assert detect(page).name == "modelprofile"
    extraction = extract(page)
    model = only(extraction.of_type(ModelClaim))
    assert (model.license, model.open_weights) == ("Llama 3.3 Community License", True)
    assert (model.api_access, model.model_type) == (False, "text")
    assert model.max_output_tokens is None and model.context_window == 128_000
    assert model.release_date == PartialDate(year=2024, month=12) and model.updated is None
    assert model.tags == ["open-weights", "rag", "self-hosted"]
    assert extraction.source.verified is None
    assert extraction.of_type(OfferClaim) == []  # no prices stated
    assert compared(extraction) == ["Llama 3.1 405B Instruct"]


def test_an_unreadable_yes_no_value_names_its_line_and_field():
    with pytest.raises(ExtractionError) as raised:
        extract(read_page(PAGES / "bad-api-access.txt"))
    assert (raised.value.line, raised.value.field) == (20, "API Access")
    assert raised.value.source.endswith("bad-api-access.txt")


def test_a_max_output_the_prose_contradicts_names_both_lines():
    with pytest.raises(ExtractionError) as raised:
        extract(read_page(PAGES / "contradicting-max-output.txt"))
    error = raised.value
    assert (error.line, error.field) == (38, "Max Output")
    assert "line 12" in error.message and "32,000" in error.message


def test_a_prose_price_that_disagrees_with_the_header_is_an_error():
    page = edited(SEED, "$0.60 per 1M output tokens", "$0.70 per 1M output tokens")
    with pytest.raises(ExtractionError) as raised:
        extract(page, "modelprofile")
    assert (raised.value.line, raised.value.field) == (42, "Output")
    assert "line 18" in raised.value.message


def test_a_label_cut_off_before_its_value_is_refused_as_truncated():
    page = read_page(PAGES / "truncated.txt")
    assert detect(page).name == "modelprofile"
    with pytest.raises(ExtractionError, match="truncated") as raised:
        extract(page)
    assert (raised.value.line, raised.value.field) == (21, "page")
    assert raised.value.source.endswith("truncated.txt")


def test_a_page_cut_after_its_header_is_refused_not_read_as_a_profile_without_prose():
    text = SONNET.read_text()
    with pytest.raises(ExtractionError, match="before the profile's prose sections") as raised:
        extract(Page(source_id="cut", text=text[: text.index("Overview")]), "modelprofile")
    assert (raised.value.line, raised.value.field) == (24, "page")


@pytest.mark.parametrize(
    ("cut_after", "refused"),
    [
        ("Comparisons", "text of its 'Comparisons' section"),
        ("it trades some raw sp", "end of its last sentence"),
        ("Compared with Claude Opus 4 or Claude 3.7 Sonnet, Sonnet", "end of its last sentence"),
    ],
)
def test_the_last_section_must_end_with_a_whole_sentence(cut_after, refused):
    text = SONNET.read_text()
    page = Page(source_id="cut", text=text[: text.index(cut_after) + len(cut_after)])
    with pytest.raises(ExtractionError, match="truncated") as raised:
        extract(page, "modelprofile")
    assert refused in raised.value.message
    assert raised.value.line == len(page.text.splitlines())


def test_quads_go_to_the_pages_named_graph(seed):
    quads = extraction_quads(seed)
    graph = source_graph(seed.source_id)
    assert all(quad.graph_name == graph for quad in quads)
    triples = {(q.subject, q.predicate, q.object.value) for q in quads}
    model = model_iri("gpt-4o-mini")
    assert (model, MG.maxOutputTokens, "16384") in triples
    assert (model, MG.releaseDate, "2024-07") in triples
    assert (model, MG.comparedWith, model_iri("gemini-2-5-flash-lite").value) in triples
    assert (graph, MG.verifiedOn, "2026-05-16") in triples


def test_a_header_value_shown_as_a_dash_is_not_stated():
    page = edited(SONNET, "Max Output\n64K tokens", "Max Output\n—")
    model = only(extract(page, "modelprofile").of_type(ModelClaim))
    assert model.max_output_tokens == 64_000  # from the Technical Details prose alone


def test_a_comparison_quoting_another_models_context_is_no_contradiction():
    page = edited(SONNET, "Compared to GPT-4.1, it trades",
                  "Compared to GPT-4.1, which has a 1M context window, it trades")
    assert only(extract(page, "modelprofile").of_type(ModelClaim)).context_window == 200_000


def test_a_generic_api_is_not_taken_for_a_host():
    page = edited(SONNET, "It is available through Amazon Bedrock, Anthropic API and Google "
                  "Vertex AI.", "It is available via API.")
    assert only(extract(page, "modelprofile").of_type(OfferClaim)).host == "Anthropic API"
