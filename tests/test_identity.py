"""Entity resolution: every spelling of one model, vendor or host gives one IRI."""

import pytest

from modelgraph.identity import (
    resolve_benchmark,
    resolve_capability,
    resolve_host,
    resolve_model,
    resolve_vendor,
)


@pytest.mark.parametrize(
    "spelling",
    ["GPT-4o-mini", "GPT-4o mini", "gpt-4o-mini", "OpenAI: GPT-4o-mini", "openai/gpt-4o-mini"],
)
def test_spellings_of_one_model_resolve_to_one_slug(spelling):
    assert resolve_model(spelling).slug == "gpt-4o-mini"


def test_a_dated_identifier_is_a_snapshot_linked_to_its_alias():
    for spelling in ("openai/gpt-4o-mini-2024-07-18", "GPT-4o-mini (2024-07-18)"):
        snapshot = resolve_model(spelling)
        assert snapshot.slug == "gpt-4o-mini-2024-07-18"
        assert snapshot.alias_slug == "gpt-4o-mini"
        assert snapshot.snapshot_date == "2024-07-18"


def test_version_dots_and_case_do_not_split_a_model():
    assert resolve_model("GPT-4.1 Nano").slug == resolve_model("gpt-4.1-nano").slug
    assert resolve_model("GPT-4.1 Nano").slug == resolve_model("gpt-4-1-nano").slug


def test_vendor_comes_from_a_path_or_a_display_prefix():
    assert resolve_model("openai/gpt-4o-mini").vendor_slug == "openai"
    assert resolve_model("OpenAI: o3 Pro").vendor_slug == "openai"
    assert resolve_model("OpenAI: o3 Pro").slug == "o3-pro"
    assert resolve_model("openrouter/openai/gpt-4o-mini").vendor_slug == "openai"


def test_hosts_drop_generic_words_and_vendors_legal_forms():
    assert resolve_host("OpenAI API") == resolve_host("OpenAI") == "openai"
    assert resolve_host("Azure OpenAI") == "azure-openai"
    assert resolve_vendor("OpenAI") == resolve_vendor("openai")


def test_a_vendor_written_with_a_trailing_ai_word_is_the_same_vendor():
    assert resolve_vendor("Mistral AI") == resolve_vendor("Mistral") == "mistral"
    assert resolve_vendor("Example AI Lab") == resolve_vendor("Example") == "example"
    assert resolve_vendor("OpenAI") == "openai"  # part of the name, not a trailing word
    assert resolve_vendor("xAI") == "xai"


def test_one_company_under_two_brand_names_is_one_vendor():
    # [vendor.synonyms]: Zhipu AI sells as Z.AI outside China
    assert resolve_vendor("Zhipu AI") == resolve_vendor("Z.AI") == "z-ai"
    from modelgraph.records import ModelRef

    assert resolve_model(ModelRef(name="GLM-4.5", vendor="Zhipu AI")).vendor_slug == "z-ai"


def test_capabilities_and_benchmarks_normalise():
    assert resolve_capability("structuredOutputs") == resolve_capability("Structured Outputs")
    assert resolve_capability("functionCalling") == "function-calling"
    assert resolve_benchmark("Massive Multi-discipline Multimodal Understanding") == "mmmu"
    assert resolve_benchmark("MMLU") == "mmlu"
    assert resolve_benchmark("Chatbot Arena") == "chatbot-arena"


def test_lifecycle_words_for_the_same_state_resolve_together():
    from modelgraph.identity import resolve_status

    assert resolve_status("Active") == resolve_status("current") == "active"
    assert resolve_status("Deprecated") == "deprecated"


def test_a_display_name_keeps_the_pages_spelling_without_the_vendor_prefix():
    assert resolve_model("OpenAI: GPT-4o-mini").display_name == "GPT-4o-mini"
    from modelgraph.records import ModelRef

    assert resolve_model(ModelRef(identifier="openai/gpt-4o-mini")).display_name is None


def test_a_cloud_wraps_ids_as_the_provider_whose_id_its_own_extends_by_a_word():
    from modelgraph.identity import unwrap_model_id

    # Vertex's Anthropic models: `google-vertex-anthropic` lists ids as `google-vertex` does
    for host in ("google-vertex", "google-vertex-anthropic"):
        assert unwrap_model_id(host, "acme-swift@20250101") == "acme-swift-20250101"
        assert unwrap_model_id(host, "acme-swift@default") == "acme-swift"
    assert unwrap_model_id("databricks-eu", "databricks-acme-swift") == "acme-swift"
    # a word glued on names another provider, which wraps nothing
    assert unwrap_model_id("google-vertexplus", "acme-swift@20250101") is None
    assert unwrap_model_id("acme", "acme-swift@20250101") is None


def test_a_model_brand_of_a_company_is_that_company_as_a_vendor():
    # [vendor.synonyms]: Qwen is Alibaba's model brand, as Z.AI is Zhipu AI's
    assert resolve_vendor("Qwen") == resolve_vendor("Alibaba") == "alibaba"
