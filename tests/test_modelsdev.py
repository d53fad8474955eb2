"""The models.dev catalogue importer: providers -> hosts (and vendors), entries -> claims."""

import copy
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from modelgraph.errors import ExtractionError, InputError
from modelgraph.identity import (
    capability_iri,
    host_iri,
    modality_iri,
    model_iri,
    offer_iri,
    resolve_host,
    resolve_model,
    resolve_vendor,
    vendor_iri,
)
from modelgraph.ingest import Progress, read_sources
from modelgraph.rdf import extraction_quads, literal
from modelgraph.records import ModelClaim, OfferClaim, PartialDate, VendorClaim
from modelgraph.sources.modelsdev import (
    catalogue_version,
    check_catalogue,
    extract_catalogue,
    load_catalogue,
)
from modelgraph.vocab import MG, RDF, SCHEMA, XSD

FIXTURE = Path(__file__).parent / "fixtures" / "modelsdev" / "catalogue.json"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(FIXTURE)


@pytest.fixture(scope="module")
def extraction(catalogue):
    return extract_catalogue(catalogue, version="0.0-test")


@pytest.fixture(scope="module")
def triples(extraction):
    return {(q.subject, q.predicate, q.object) for q in extraction_quads(extraction)}


def offers_of(extraction, model_slug):
    return {
        resolve_host(offer.host): offer
        for offer in extraction.of_type(OfferClaim)
        if resolve_model(offer.model).slug == model_slug and offer.variant is None
    }


def model_claim(extraction, model_slug):
    claims = extraction.of_type(ModelClaim)
    (claim,) = [c for c in claims if resolve_model(c.model).slug == model_slug]
    return claim


def with_entry(catalogue, provider, model_id, **changes):
    changed = copy.deepcopy(catalogue)
    changed[provider]["models"][model_id].update(changes)
    return changed


def test_every_entry_is_an_offer_on_its_provider_as_host(catalogue, extraction):
    entries = sum(len(provider["models"]) for provider in catalogue.values())
    offers = extraction.of_type(OfferClaim)
    assert len(offers) == entries
    assert {resolve_host(o.host) for o in offers} == {
        "openai", "mistral", "azure-openai", "openrouter", "nanogpt"
    }
    assert all(o.endpoint_id and o.locator.field.endswith(o.endpoint_id) for o in offers)


def test_gpt_4o_mini_on_openai_azure_and_openrouter_is_one_model_on_three_hosts(
    extraction, triples
):
    offers = offers_of(extraction, "gpt-4o-mini")
    assert set(offers) == {"openai", "azure-openai", "openrouter"}
    assert {resolve_model(o.model).vendor_slug for o in offers.values()} == {"openai"}
    assert offers["openrouter"].endpoint_id == "openai/gpt-4o-mini"
    for host in offers:
        node = offer_iri(host, "gpt-4o-mini")
        assert (node, MG.model, model_iri("gpt-4o-mini")) in triples
        assert (node, MG.host, host_iri(host)) in triples
    assert (model_iri("gpt-4o-mini"), MG.vendor, vendor_iri("openai")) in triples


def test_catalogue_host_names_resolve_to_the_host_slugs_pages_use():
    # the seed pages write "OpenAI API" and "Azure OpenAI"; models.dev writes "OpenAI", "Azure"
    assert resolve_host("OpenAI") == resolve_host("OpenAI API")
    assert resolve_host("Azure") == resolve_host("Azure OpenAI")


def test_gpt_4_1_nano_resolves_to_its_dotless_slug(extraction):
    claim = model_claim(extraction, "gpt-4-1-nano")
    assert claim.model.identifier == "gpt-4.1-nano"
    assert claim.label == "GPT-4.1 nano"


def test_a_provider_others_use_as_a_namespace_is_a_vendor(extraction):
    vendors = {resolve_vendor(v.name) for v in extraction.of_type(VendorClaim)}
    assert vendors == {"openai", "mistral"}
    # openrouter's "mistralai/…" names the provider "Mistral": one vendor, one model
    offers = offers_of(extraction, "mistral-large-2411")
    assert set(offers) == {"mistral", "openrouter"}
    assert {resolve_model(o.model).vendor_slug for o in offers.values()} == {"mistral"}


def test_a_namespace_no_provider_answers_to_stays_the_vendor_as_written(extraction, triples):
    offers = [o for o in extraction.of_type(OfferClaim) if "llama" in o.endpoint_id]
    assert {resolve_model(o.model).vendor_slug for o in offers} == {"meta-llama"}
    assert (model_iri("llama-3-3-70b-instruct"), MG.vendor, vendor_iri("tee")) not in triples


def test_two_providers_of_one_vendor_under_two_names_are_one_vendor(catalogue):
    # identity's [vendor.synonyms] make "Zhipu AI" the vendor "Z.AI" (z-ai)
    resold = _reseller(catalogue, "zai", "Z.AI", {"glm-4.5": ("openai", "o1-mini")})
    resold = _reseller(resold, "zhipuai", "Zhipu AI", {"glm-4.5": ("openai", "o1-mini")})
    resold = _reseller(resold, "modelscope", "ModelScope", {
        "ZhipuAI/GLM-4.5": ("openai", "o1-mini"),
    })
    resold["openrouter"]["models"]["z-ai/glm-4.5"] = {
        **copy.deepcopy(catalogue["openai"]["models"]["o1-mini"]), "id": "z-ai/glm-4.5"
    }
    extraction = extract_catalogue(resold, version="0.0-test")
    assert [v.name for v in extraction.of_type(VendorClaim) if resolve_vendor(v.name) == "z-ai"
            ] == ["Z.AI"]
    offers = offers_of(extraction, "glm-4-5")
    assert {resolve_model(o.model).vendor_slug for o in offers.values()} == {"z-ai"}
    assert {o.model.vendor for o in offers.values()} == {"Z.AI"}
    assert offers["z-ai"].host_kind == offers["zhipu-ai"].host_kind == "first-party"


def test_a_namespace_spelling_a_vendors_other_brand_name_is_that_vendors(catalogue):
    # Qwen is Alibaba's model brand ([vendor.synonyms]): `qwen/…` names the vendor Alibaba,
    # which lists Qwen models as its own; Qwen was a vendor of its own, sharing models
    resold = _reseller(catalogue, "alibaba", "Alibaba", {"qwen-plus": ("openai", "o1-mini")})
    resold = _reseller(resold, "vercel", "Vercel", {"alibaba/qwen-plus": ("openai", "o1-mini")})
    resold = _reseller(resold, "kilo", "Kilo", {
        "qwen/qwen-plus": ("openai", "o1-mini"),
        "qwen/qwen-plus-2025-07-28": ("openai", "o1-mini"),  # listed by no vendor
        "Qwen/qwen-brand-new": ("openai", "o1-mini"),
    })
    extraction = extract_catalogue(resold, version="0.0-test")
    assert [v.name for v in extraction.of_type(VendorClaim)
            if resolve_vendor(v.name) == "alibaba"] == ["Alibaba"]
    vendors = {o.endpoint_id: resolve_model(o.model).vendor_slug
               for o in extraction.of_type(OfferClaim) if o.host in ("Kilo", "Alibaba")}
    assert set(vendors.values()) == {"alibaba"}
    quads = extraction_quads(extraction)
    assert not any(q.object == vendor_iri("qwen") for q in quads)


def test_one_source_states_one_vendor_for_a_model_and_its_snapshots_alias(catalogue):
    # a snapshot read as another maker's (`acme-labs/…`) does not give its alias, OpenAI's
    # gpt-4o-mini, a second vendor
    resold = _reseller(catalogue, "kilo", "Kilo", {
        "acme-labs/gpt-4o-mini-2099-01-01": ("openai", "gpt-4o-mini-2024-07-18"),
        "acme-labs/acme-chat": ("openai", "o1-mini"),
        "acme-labs/acme-swift-2099-01-01": ("openai", "o1-mini"),  # its alias listed by none
    })
    quads = extraction_quads(extract_catalogue(resold, version="0.0-test"))
    vendors = {}
    for q in quads:
        if q.predicate == MG.vendor and q.subject.value.startswith(model_iri("").value):
            vendors.setdefault(q.subject, set()).add(q.object)
    assert vendors[model_iri("gpt-4o-mini-2099-01-01")] == {vendor_iri("acme-labs")}
    assert vendors[model_iri("acme-swift")] == {vendor_iri("acme-labs")}
    assert {m for m, of in vendors.items() if len(of) > 1} == set()
    assert vendors[model_iri("gpt-4o-mini")] == {vendor_iri("openai")}


def test_host_kind_is_first_party_router_or_third_party_from_the_data(extraction):
    offers = offers_of(extraction, "gpt-4o-mini")
    assert offers["openai"].host_kind == "first-party"
    assert offers["openrouter"].host_kind == "router"
    assert offers["azure-openai"].host_kind == "third-party"


def test_a_dated_snapshot_is_linked_to_its_alias(extraction, triples):
    claim = model_claim(extraction, "gpt-4o-mini-2024-07-18")
    assert resolve_model(claim.snapshot_of).slug == "gpt-4o-mini"
    snapshot = model_iri("gpt-4o-mini-2024-07-18")
    assert (snapshot, MG.snapshotOf, model_iri("gpt-4o-mini")) in triples
    assert set(offers_of(extraction, "gpt-4o-mini-2024-07-18")) == {"openai", "openrouter"}


def test_prices_are_exact_decimals_per_million_tokens_per_host(extraction, triples):
    offers = offers_of(extraction, "gpt-4o-mini")
    assert offers["openai"].input_price == Decimal("0.15")
    assert offers["openai"].output_price == Decimal("0.6")
    assert offers["openai"].cached_input_price == Decimal("0.08")
    assert offers["openrouter"].cached_input_price == Decimal("0.075")
    assert offers["azure-openai"].input_price == Decimal("0.165")
    assert offers["openai"].context_window == 128000
    assert offers["openai"].max_output_tokens == 16384
    node = offer_iri("openai", "gpt-4o-mini")
    assert (node, MG.inputPrice, Literal("0.15", datatype=XSD.decimal)) in triples


def test_floating_point_noise_in_a_price_is_rounded_away(extraction):
    offers = extraction.of_type(OfferClaim)
    offer = next(o for o in offers if o.host == "NanoGPT" and o.output_price < 1)
    assert offer.input_price == Decimal("0.1")


def test_missing_prices_and_a_zero_limit_stay_unknown(extraction):
    nano_on_azure = offers_of(extraction, "gpt-4-1-nano")["azure-openai"]
    assert nano_on_azure.input_price is None
    assert nano_on_azure.output_price is None
    assert nano_on_azure.cached_input_price is None
    assert offers_of(extraction, "mistral-large-2411")["openrouter"].max_output_tokens is None


def test_modalities_include_pdf_and_flags_become_capabilities(extraction, triples):
    claim = model_claim(extraction, "gpt-4o-mini")
    assert claim.input_modalities == ["text", "image", "pdf"]
    assert claim.output_modalities == ["text"]
    model = model_iri("gpt-4o-mini")
    assert (model, MG.inputModality, modality_iri("pdf")) in triples
    for capability in ("function-calling", "structured-outputs", "attachment"):
        assert (model, MG.capability, capability_iri(capability)) in triples
    assert (model, MG.capability, capability_iri("reasoning")) not in triples
    assert claim.open_weights is False and claim.family == "gpt-mini"


def test_knowledge_cutoff_keeps_the_precision_the_catalogue_states(extraction, triples):
    cutoff = model_claim(extraction, "gpt-4o-mini").knowledge_cutoff
    assert cutoff == PartialDate(year=2023, month=9)
    month = Literal("2023-09", datatype=XSD.gYearMonth)
    assert (model_iri("gpt-4o-mini"), MG.knowledgeCutoff, month) in triples
    assert model_claim(extraction, "gpt-4-1-nano").knowledge_cutoff.precision == "day"


def test_status_and_dates_map_to_lifecycle_and_release_facts(extraction):
    o1 = model_claim(extraction, "o1-mini")
    assert o1.lifecycle_status == "deprecated"
    assert o1.updated == PartialDate(year=2025, month=10)
    assert "reasoning" in o1.capabilities
    assert model_claim(extraction, "gpt-4o-mini").release_date == PartialDate.parse("2024-07-18")


def test_each_model_is_described_once_from_its_vendors_own_entry(extraction):
    slugs = [resolve_model(c.model).slug for c in extraction.of_type(ModelClaim)]
    assert len(slugs) == len(set(slugs))
    assert model_claim(extraction, "gpt-4o-mini").locator.field == "openai/gpt-4o-mini"
    # no vendor entry: the most complete one (openrouter's states the family)
    assert model_claim(extraction, "llama-3-3-70b-instruct").locator.field.startswith("openrouter/")


def test_one_host_selling_a_model_on_two_endpoints_at_different_terms_makes_two_offers(
    extraction, triples
):
    variants = [o for o in extraction.of_type(OfferClaim) if o.host == "NanoGPT"]
    assert {o.variant for o in variants} == {
        "meta-llama/llama-3.3-70b-instruct", "TEE/llama-3.3-70b-instruct"
    }
    for offer in variants:
        node = offer_iri("nanogpt", "llama-3-3-70b-instruct", offer.variant)
        assert (node, MG.inputPrice, literal(offer.input_price)) in triples


def test_endpoints_of_one_model_alike_in_terms_are_one_offer_unless_their_status_differs(
    catalogue,
):
    changed = copy.deepcopy(catalogue)
    models = changed["nano-gpt"]["models"]
    models["TEE/llama-3.3-70b-instruct"]["cost"] = dict(
        models["meta-llama/llama-3.3-70b-instruct"]["cost"]
    )
    alike = [o for o in extract_catalogue(changed).of_type(OfferClaim) if o.host == "NanoGPT"]
    assert [o.variant for o in alike] == [None, None]
    models["TEE/llama-3.3-70b-instruct"]["status"] = "beta"
    apart = [o for o in extract_catalogue(changed).of_type(OfferClaim) if o.host == "NanoGPT"]
    assert None not in {o.variant for o in apart}
    assert {o.availability for o in apart} == {None, "beta"}


def test_providers_whose_names_resolve_to_one_host_stay_apart(catalogue):
    changed = copy.deepcopy(catalogue)
    changed["openrouter-eu"] = {**copy.deepcopy(catalogue["openrouter"]), "id": "openrouter-eu"}
    offers = extract_catalogue(changed).of_type(OfferClaim)
    assert {o.host for o in offers if o.endpoint_id == "openai/gpt-4o-mini"} == {
        "OpenRouter", "openrouter-eu"
    }


def test_the_source_records_the_catalogue_version_and_its_latest_update(extraction, triples):
    source = extraction.source
    assert (extraction.source_id, extraction.extractor) == ("models-dev", "models.dev")
    assert source.title == "models.dev catalogue 0.0-test"
    assert (source.site, source.page_kind) == ("models.dev", "catalogue")
    assert source.url == "https://models.dev"
    assert source.version == "0.0-test"
    assert source.updated == PartialDate.parse("2026-03-02")
    graph = NamedNode("https://w3id.org/modelgraph/source/models-dev")
    assert (graph, SCHEMA.version, Literal("0.0-test")) in triples


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"cost": {"input": -0.15, "output": 0.6}}, "cost.input", "negative"),
        ({"cost": {"output": 0.6}}, "cost.input", "missing"),
        ({"cost": {"input": None, "output": 0.6}}, "cost.input", "missing"),
        ({"cost": {"input": 0.15}}, "cost.output", "missing"),
        ({"release_date": None}, "release_date", "missing"),
        ({"knowledge": "2025-02-31"}, "knowledge", "2025-02-31"),
        ({"limit": {"context": "128K", "output": 16384}}, "limit.context", "128K"),
        ({"tool_call": "yes"}, "tool_call", "yes"),
        ({"modalities": {"input": "text"}}, "modalities.input", "list"),
    ],
)
def test_a_bad_entry_aborts_the_import_naming_record_and_field(catalogue, changes, field, says):
    bad = with_entry(catalogue, "openai", "gpt-4o-mini", **changes)
    with pytest.raises(ExtractionError) as caught:
        extract_catalogue(bad, version="0.0-test")
    assert caught.value.field == field
    assert "openai/gpt-4o-mini" in str(caught.value) and says in str(caught.value)
    assert "models.dev catalogue 0.0-test" in str(caught.value)


def test_every_bad_record_is_listed_and_can_be_skipped_explicitly(catalogue):
    bad = with_entry(catalogue, "openai", "gpt-4o-mini", cost={"input": -1})
    bad = with_entry(bad, "azure", "gpt-4.1-nano", last_updated="2025-25-11")
    with pytest.raises(ExtractionError) as caught:
        extract_catalogue(bad)
    assert "openai/gpt-4o-mini" in str(caught.value) and "azure/gpt-4.1-nano" in str(caught.value)
    assert [(p.record, p.field) for p in check_catalogue(bad)] == [
        ("openai/gpt-4o-mini", "cost.input"),
        ("azure/gpt-4.1-nano", "last_updated"),
    ]
    kept = extract_catalogue(bad, skip_invalid=True).of_type(OfferClaim)
    assert len(kept) == sum(len(p["models"]) for p in catalogue.values()) - 2
    assert ("OpenAI", "gpt-4o-mini") not in {(o.host, o.endpoint_id) for o in kept}


@pytest.mark.parametrize(("date", "says"), [
    ("2025-02-31", "2025-02-31 is not a calendar date: February 2025 has 28 days, not 31"),
    ("2024-02-30", "2024-02-30 is not a calendar date: February 2024 has 29 days, not 30"),
    ("2025-25-11", "2025-25-11 is not a calendar date: there is no month 25"),
    ("31/02/2025", "expected a date YYYY-MM-DD or YYYY-MM, got '31/02/2025'"),
])
def test_a_date_that_does_not_exist_is_told_apart_from_one_of_the_wrong_shape(catalogue, date,
                                                                              says):
    bad = with_entry(catalogue, "azure", "gpt-4.1-nano", knowledge=date)
    assert [str(p) for p in check_catalogue(bad)] == [
        f"azure/gpt-4.1-nano: field 'knowledge': {says}"]


def test_the_refusal_names_the_first_bad_record_and_field_counts_them_and_suggests_skipping(
        catalogue):
    bad = with_entry(catalogue, "openai", "gpt-4o-mini", knowledge="2025-02-31")
    bad = with_entry(bad, "azure", "gpt-4.1-nano", release_date="2025-25-11")
    with pytest.raises(ExtractionError) as caught:
        extract_catalogue(bad, version="0.0-test")
    error = caught.value
    assert (error.source, error.field) == (
        "models.dev catalogue 0.0-test, record openai/gpt-4o-mini", "knowledge")
    header = str(error).splitlines()[0]
    assert header.startswith(
        "models.dev catalogue 0.0-test, record openai/gpt-4o-mini, field 'knowledge': "
        "2025-02-31 is not a calendar date: February 2025 has 28 days, not 31. "
        "2 bad records in all, so nothing was loaded")
    assert "--skip-invalid" in header
    assert "azure/gpt-4.1-nano: field 'release_date'" in str(error)


def test_load_catalogue_reads_gzipped_json_and_names_the_line_of_broken_json(tmp_path, catalogue):
    packed = tmp_path / "data.json.gz"
    packed.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    assert load_catalogue(packed) == catalogue
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "openai": {\n    "name": "OpenAI",,\n')
    with pytest.raises(ExtractionError) as caught:
        load_catalogue(broken)
    assert caught.value.line == 3 and caught.value.source == str(broken)
    with pytest.raises(InputError):
        load_catalogue(tmp_path / "missing.json")
    (tmp_path / "list.json").write_text(json.dumps([]))
    with pytest.raises(ExtractionError, match="object of providers"):
        load_catalogue(tmp_path / "list.json")


def test_the_installed_package_catalogue_extracts_with_the_seeds_identities():
    data = load_catalogue()
    entries = sum(len(provider["models"]) for provider in data.values())
    problems = check_catalogue(data)
    extraction = extract_catalogue(data, version=catalogue_version(), skip_invalid=True)
    offers = extraction.of_type(OfferClaim)
    assert len(offers) > 1000 and len(offers) == entries - len(problems)
    assert extraction.source.version == catalogue_version()
    first_party = {
        o.endpoint_id: o for o in offers if o.host == "OpenAI" and o.host_kind == "first-party"
    }
    for endpoint, slug in (("gpt-4o-mini", "gpt-4o-mini"), ("gpt-4.1-nano", "gpt-4-1-nano")):
        offer = first_party[endpoint]
        resolved = resolve_model(offer.model)
        assert (resolved.slug, resolved.vendor_slug) == (slug, "openai")
        assert resolve_host(offer.host) == "openai"
        assert offer.input_price > 0 and offer.output_price > 0
    mini = [o for o in offers if resolve_model(o.model).slug == "gpt-4o-mini"]
    assert {"openai", "azure-openai", "openrouter"} <= {resolve_host(o.host) for o in mini}
    # DigitalOcean glues the vendor's name on: `openai-gpt-4o-mini` is OpenAI's gpt-4o-mini
    on_digitalocean = {o.endpoint_id for o in mini if o.host == "DigitalOcean"}
    assert on_digitalocean == {"openai-gpt-4o-mini"}
    # Upstage's `solar-pro3` is what others list as `upstage/solar-pro-3`: Upstage's own
    solar = {o.endpoint_id: o for o in offers if resolve_model(o.model).slug == "solar-pro-3"}
    assert {"solar-pro3", "upstage/solar-pro-3"} <= set(solar)
    assert solar["solar-pro3"].host_kind == "first-party"
    assert {resolve_model(o.model).vendor_slug for o in solar.values()} == {"upstage"}


def test_every_vendor_of_the_installed_catalogue_has_models():
    extraction = extract_catalogue(load_catalogue(), skip_invalid=True)
    vendors = {resolve_vendor(v.name) for v in extraction.of_type(VendorClaim)}
    with_models = {resolve_model(c.model).vendor_slug for c in extraction.of_type(ModelClaim)}
    assert vendors - with_models == set()  # "zhipu" was one: Zhipu AI is Z.AI's other name


def test_no_model_of_the_installed_catalogue_is_stated_with_two_vendors():
    quads = extraction_quads(extract_catalogue(load_catalogue(), skip_invalid=True))
    vendors = {}
    for q in quads:
        if q.predicate == MG.vendor and q.subject.value.startswith(model_iri("").value):
            vendors.setdefault(q.subject.value, set()).add(q.object.value)
    assert {m: of for m, of in vendors.items() if len(of) > 1} == {}  # qwen-plus had two
    assert vendor_iri("qwen").value not in set().union(*vendors.values())


def _reseller(catalogue, provider_id, name, ids_from):
    """A provider that resells entries of others under its own ids: {its id: (provider, id)}."""
    changed = copy.deepcopy(catalogue)
    models = {}
    for own_id, (source, source_id) in ids_from.items():
        models[own_id] = {**copy.deepcopy(catalogue[source]["models"][source_id]), "id": own_id}
    changed[provider_id] = {"id": provider_id, "name": name, "models": models}
    return changed


def test_clouds_that_wrap_a_vendors_model_id_offer_that_model_when_others_list_it(catalogue):
    resold = _reseller(catalogue, "amazon-bedrock", "Amazon Bedrock", {
        "us.openai.gpt-4o-mini-2024-07-18-v1:0": ("openai", "gpt-4o-mini-2024-07-18"),
        "acme.unheard-of-model-v1:0": ("openai", "o1-mini"),
    })
    resold = _reseller(resold, "databricks", "Databricks", {
        "databricks-gpt-4o-mini": ("openai", "gpt-4o-mini"),
    })
    extraction = extract_catalogue(resold, version="0.0-test")
    offers = {(resolve_model(o.model).slug, o.endpoint_id) for o in extraction.of_type(OfferClaim)}
    # the vendor's model (dated snapshot, alias), the cloud's own id kept as the endpoint id
    assert ("gpt-4o-mini-2024-07-18", "us.openai.gpt-4o-mini-2024-07-18-v1:0") in offers
    assert ("gpt-4o-mini", "databricks-gpt-4o-mini") in offers
    # an id no other provider lists is left as the cloud spells it: no model is invented
    unheard = resolve_model("acme.unheard-of-model-v1:0").slug
    assert (unheard, "acme.unheard-of-model-v1:0") in offers
    assert not any(slug == "unheard-of-model" for slug, _ in offers)


def test_a_cloud_whose_provider_id_extends_a_wrapping_clouds_unwraps_its_ids_too(catalogue):
    # models.dev lists Vertex's Anthropic models as provider `google-vertex-anthropic`, ids
    # shaped as `google-vertex`'s: each was a model of its own, with no vendor or snapshot link
    resold = _reseller(catalogue, "google-vertex-anthropic", "Vertex (Anthropic)", {
        "gpt-4o-mini@20240718": ("openai", "gpt-4o-mini-2024-07-18"),
        "gpt-4.1-nano@default": ("openai", "gpt-4.1-nano"),
    })
    extraction = extract_catalogue(resold, version="0.0-test")
    offers = {o.endpoint_id: resolve_model(o.model) for o in extraction.of_type(OfferClaim)
              if o.host == "Vertex (Anthropic)"}
    assert offers["gpt-4o-mini@20240718"].slug == "gpt-4o-mini-2024-07-18"
    assert offers["gpt-4.1-nano@default"].slug == "gpt-4-1-nano"
    assert {m.vendor_slug for m in offers.values()} == {"openai"}
    triples = {(q.subject, q.predicate, q.object) for q in extraction_quads(extraction)}
    assert (model_iri("gpt-4o-mini-2024-07-18"), MG.snapshotOf, model_iri("gpt-4o-mini")
            ) in triples
    assert not any(s == model_iri("gpt-4o-mini-20240718") for s, _, _ in triples)


def test_vertex_model_as_a_service_ids_are_the_vendors_models(catalogue):
    # Vertex lists partner models as `namespace/id-maas` ("Model as a Service"): each was a
    # model of its own (deepseek-v3-1-maas, llama-3-3-70b-instruct-maas, ...)
    resold = _reseller(catalogue, "google-vertex", "Vertex", {
        "openai/gpt-4o-mini-maas": ("openai", "gpt-4o-mini"),
        "acme/unheard-of-model-maas": ("openai", "o1-mini"),
    })
    extraction = extract_catalogue(resold, version="0.0-test")
    offers = {o.endpoint_id: resolve_model(o.model) for o in extraction.of_type(OfferClaim)
              if o.host == "Vertex"}
    assert offers["openai/gpt-4o-mini-maas"].slug == "gpt-4o-mini"
    assert offers["openai/gpt-4o-mini-maas"].vendor_slug == "openai"
    # an id no other provider lists stays as Vertex spells it
    assert offers["acme/unheard-of-model-maas"].slug == resolve_model(
        "acme/unheard-of-model-maas").slug


def test_a_hosts_own_spelling_of_a_vendors_model_id_names_no_model_of_its_own(catalogue):
    resold = _reseller(catalogue, "amazon-bedrock", "Amazon Bedrock", {
        "us.openai.gpt-4o-mini-2024-07-18-v1:0": ("openai", "gpt-4o-mini-2024-07-18"),
    })
    resold = _reseller(resold, "digitalocean", "DigitalOcean", {
        "openai-gpt-4o-mini": ("openai", "gpt-4o-mini"),
    })
    quads = extraction_quads(extract_catalogue(resold, version="0.0-test"))
    models = {q.subject for q in quads if (q.predicate, q.object) == (RDF.type, MG.Model)}
    endpoints = {q.object.value for q in quads if q.predicate == MG.endpointId}
    assert {"us.openai.gpt-4o-mini-2024-07-18-v1:0", "openai-gpt-4o-mini"} <= endpoints
    assert model_iri(resolve_model("us.openai.gpt-4o-mini-2024-07-18-v1:0").slug) not in models
    assert model_iri("openai-gpt-4o-mini") not in models
    # every model node is a model some entry offers (or the alias of such a snapshot)
    assert models == {model_iri(slug) for slug in (
        "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "gpt-4-1-nano", "o1-mini",
        "mistral-large-2411", "llama-3-3-70b-instruct")}


def test_a_vendor_name_the_cloud_dropped_is_put_back_only_where_the_entry_name_says_so(
        catalogue):
    resold = _reseller(catalogue, "amazon-bedrock", "Amazon Bedrock", {
        "mistral.large-2411-v1:0": ("mistral", "mistral-large-2411"),
        "eu.mistral.large-2411-v1:0": ("mistral", "mistral-large-2411"),
    })
    models = resold["amazon-bedrock"]["models"]
    models["mistral.large-2411-v1:0"]["name"] = "Mistral-Large-2411"
    models["eu.mistral.large-2411-v1:0"]["name"] = "Mistral Large 2.1"  # says another model
    extraction = extract_catalogue(resold, version="0.0-test")
    bedrock = {o.endpoint_id: resolve_model(o.model).slug for o in extraction.of_type(OfferClaim)
               if o.endpoint_id.endswith("large-2411-v1:0")}
    assert bedrock["mistral.large-2411-v1:0"] == "mistral-large-2411"
    assert bedrock["eu.mistral.large-2411-v1:0"] != "mistral-large-2411"


def test_an_id_gluing_a_vendors_name_onto_its_model_id_is_that_model(catalogue):
    resold = _reseller(catalogue, "digitalocean", "DigitalOcean", {
        "openai-gpt-4o-mini": ("openai", "gpt-4o-mini"),
        "openai--o1-mini": ("openai", "o1-mini"),  # SAP AI Core's double hyphen
        "mistral.mistral-large-2411": ("mistral", "mistral-large-2411"),
        "mistral-gpt-4.1-nano": ("openai", "gpt-4.1-nano"),  # not Mistral's model: no reading
        "openai-unheard-of-9": ("openai", "o1-mini"),  # no one lists `unheard-of-9`
        "acme-gpt-4o-mini": ("openai", "gpt-4o-mini"),  # `acme` names no vendor
    })
    resold = _reseller(resold, "github-models", "GitHub Models", {
        "openai/openai-gpt-4.1-nano": ("openai", "gpt-4.1-nano"),
    })
    extraction = extract_catalogue(resold, version="0.0-test")
    models = {o.endpoint_id: resolve_model(o.model) for o in extraction.of_type(OfferClaim)}
    assert models["openai-gpt-4o-mini"].slug == "gpt-4o-mini"
    assert models["openai--o1-mini"].slug == "o1-mini"
    assert models["mistral.mistral-large-2411"].slug == "mistral-large-2411"
    assert models["openai/openai-gpt-4.1-nano"].slug == "gpt-4-1-nano"
    assert {models[e].vendor_slug for e in ("openai-gpt-4o-mini", "openai--o1-mini")} == {
        "openai"}
    assert models["mistral-gpt-4.1-nano"].slug == "mistral-gpt-4-1-nano"
    assert models["openai-unheard-of-9"].slug == "openai-unheard-of-9"
    assert models["acme-gpt-4o-mini"].slug == "acme-gpt-4o-mini"
    assert set(offers_of(extraction, "gpt-4o-mini")) == {
        "openai", "azure-openai", "openrouter", "digitalocean"}


def test_a_vendor_prefix_is_read_only_where_the_rest_is_listed_by_another_provider(catalogue):
    resold = _reseller(catalogue, "digitalocean", "DigitalOcean", {
        "openai/brand-new": ("openai", "o1-mini"),  # OpenAI's by its namespace, listed here only
        "openai-brand-new": ("openai", "o1-mini"),
    })
    models = {o.endpoint_id: resolve_model(o.model).slug
              for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert models["openai/brand-new"] == "brand-new"
    assert models["openai-brand-new"] == "openai-brand-new"


def test_an_id_a_vendor_prefix_reads_two_ways_is_left_as_listed(catalogue):
    resold = _reseller(catalogue, "digitalocean", "DigitalOcean", {
        "openai-o1-mini": ("openai", "o1-mini"),  # OpenAI's o1-mini, or `openai-o1`'s mini?
    })
    resold = _reseller(resold, "kilo", "Kilo", {"openai/mini": ("openai", "o1-mini")})
    models = {o.endpoint_id: resolve_model(o.model).slug
              for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert models["openai-o1-mini"] == "openai-o1-mini"


def test_an_id_gluing_a_hosts_name_or_its_own_prefix_onto_a_vendors_model_is_that_model(
        catalogue):
    # NanoGPT's `azure-gpt-4o-mini` ("Azure gpt-4o-mini"); GitLab Duo's `duo-chat-gpt-5-mini`
    resold = _reseller(catalogue, "poe", "Poe", {
        "azure-gpt-4o-mini": ("openai", "gpt-4o-mini"),  # Azure is a host, no vendor
        "azure-unheard-of-9": ("openai", "o1-mini"),  # no one lists `unheard-of-9`
    })
    resold = _reseller(resold, "gitlab", "GitLab Duo", {
        "duo-chat-gpt-4.1-nano": ("openai", "gpt-4.1-nano"),  # `duo-chat` leads every id
        "duo-chat-o1-mini": ("openai", "o1-mini"),
        "duo-chat-mistral-large-2411": ("mistral", "mistral-large-2411"),
        "duo-chat-assistant": ("openai", "o1-mini"),
    })
    resold = _reseller(resold, "kilo", "Kilo", {
        "fast-gpt-4o-mini": ("openai", "gpt-4o-mini"),  # `fast` is no word of Kilo's name
        "fast-o1-mini": ("openai", "o1-mini"),
    })
    resold = _reseller(resold, "acme-cloud", "Acme Cloud", {
        "acme-gpt-4o-mini": ("openai", "gpt-4o-mini"),  # a word of its name, on 1 id of 3
        "gpt-4.1-nano": ("openai", "gpt-4.1-nano"),
        "o1-mini": ("openai", "o1-mini"),
    })
    extraction = extract_catalogue(resold, version="0.0-test")
    models = {(o.host, o.endpoint_id): resolve_model(o.model)
              for o in extraction.of_type(OfferClaim)}
    assert models["Poe", "azure-gpt-4o-mini"].slug == "gpt-4o-mini"
    assert models["Poe", "azure-gpt-4o-mini"].vendor_slug == "openai"
    assert models["Poe", "azure-unheard-of-9"].slug == "azure-unheard-of-9"
    assert {models["GitLab Duo", f"duo-chat-{rest}"].slug for rest in (
        "gpt-4.1-nano", "o1-mini", "mistral-large-2411")} == {
        "gpt-4-1-nano", "o1-mini", "mistral-large-2411"}
    assert models["GitLab Duo", "duo-chat-assistant"].slug == "duo-chat-assistant"
    assert models["Kilo", "fast-gpt-4o-mini"].slug == "fast-gpt-4o-mini"
    assert models["Acme Cloud", "acme-gpt-4o-mini"].slug == "acme-gpt-4o-mini"
    assert "poe" in offers_of(extraction, "gpt-4o-mini")


def test_a_hosts_prefix_on_a_model_that_has_no_known_vendor_is_left_as_listed(catalogue):
    resold = _reseller(catalogue, "poe", "Poe", {"azure-plain-9": ("openai", "o1-mini")})
    resold = _reseller(resold, "kilo", "Kilo", {"plain-9": ("openai", "o1-mini")})  # no vendor
    models = {o.endpoint_id: resolve_model(o.model).slug
              for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert models["azure-plain-9"] == "azure-plain-9"


def test_a_version_number_glued_to_its_letters_or_not_is_one_model_spelled_as_most_list_it(
        catalogue):
    llama = ("openrouter", "meta-llama/llama-3.3-70b-instruct")
    resold = _reseller(catalogue, "cortecs", "Cortecs", {
        "mistral-large2411": ("mistral", "mistral-large-2411"),  # 2 providers: `large-2411`
        "o-1-mini": ("openai", "o1-mini"),  # 2 providers (with Vercel's): `o1-mini`
        "llama3.3-70b-instruct": llama,  # 2 and 2: a tie keeps the hyphen
    })
    resold = _reseller(resold, "vercel", "Vercel", {
        "openai/o1-mini": ("openai", "o1-mini"),
        "meta-llama/llama3.3-70b-instruct": llama,
    })
    extraction = extract_catalogue(resold, version="0.0-test")
    models = {(o.host, o.endpoint_id): resolve_model(o.model)
              for o in extraction.of_type(OfferClaim)}
    assert models["Cortecs", "mistral-large2411"].slug == "mistral-large-2411"
    assert models["Cortecs", "mistral-large2411"].vendor_slug == "mistral"
    assert models["Cortecs", "o-1-mini"].slug == models["OpenAI", "o1-mini"].slug == "o1-mini"
    assert {models[key].slug for key in (
        ("Cortecs", "llama3.3-70b-instruct"), ("Vercel", "meta-llama/llama3.3-70b-instruct"),
        ("OpenRouter", "meta-llama/llama-3.3-70b-instruct"))} == {"llama-3-3-70b-instruct"}


def test_a_versions_point_written_p_between_digits_is_the_model_others_list_with_it(catalogue):
    # Fireworks writes GLM 4.5 as `glm-4p5`, DeepSeek V3.1 as `deepseek-v3p1`
    resold = _reseller(catalogue, "fireworks-ai", "Fireworks AI", {
        "accounts/fireworks/models/gpt-4p1-nano": ("openai", "gpt-4.1-nano"),
        "accounts/fireworks/models/o1p5-mini": ("openai", "o1-mini"),  # no one lists o1-5-mini
        "acme-2p5": ("openai", "o1-mini"),
    })
    resold = _reseller(resold, "kilo", "Kilo", {"acme-2p5": ("openai", "o1-mini")})
    resold = _reseller(resold, "vercel", "Vercel", {"acme-2.5": ("openai", "o1-mini")})
    models = {(o.host, o.endpoint_id): resolve_model(o.model).slug
              for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert models["Fireworks AI", "accounts/fireworks/models/gpt-4p1-nano"] == "gpt-4-1-nano"
    assert models["Fireworks AI", "accounts/fireworks/models/o1p5-mini"] == "o1p5-mini"
    # the point is spelled as a point even where more providers write the `p`
    assert {models[host, "acme-2p5"] for host in ("Fireworks AI", "Kilo")} == {"acme-2-5"}


def test_a_models_words_in_another_order_are_the_model_others_list_so(catalogue):
    # hosts write Claude 3.5 Sonnet `claude-3-5-sonnet` and `claude-sonnet-3-5`; numbers keep
    # their order: `acme-1-beta-2` and `acme-2-beta-1` are two models
    resold = _reseller(catalogue, "cortecs", "Cortecs", {
        "mini-o1": ("openai", "o1-mini"),
        "acme-1-beta-2": ("openai", "o1-mini"),
    })
    resold = _reseller(resold, "vercel", "Vercel", {"acme-2-beta-1": ("openai", "o1-mini")})
    models = {(o.host, o.endpoint_id): resolve_model(o.model).slug
              for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert models["Cortecs", "mini-o1"] == models["OpenAI", "o1-mini"] == "o1-mini"
    assert models["Cortecs", "acme-1-beta-2"] == "acme-1-beta-2"
    assert models["Vercel", "acme-2-beta-1"] == "acme-2-beta-1"


def test_a_vendors_name_glued_onto_its_model_in_another_word_order_is_that_model(catalogue):
    # SAP AI Core's `anthropic--claude-4.5-opus` is Anthropic's `claude-opus-4-5`
    resold = _reseller(catalogue, "sap-ai-core", "SAP AI Core", {
        "openai--mini-o1": ("openai", "o1-mini")})
    models = {(o.host, o.endpoint_id): resolve_model(o.model)
              for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert models["SAP AI Core", "openai--mini-o1"].slug == "o1-mini"
    assert models["SAP AI Core", "openai--mini-o1"].vendor_slug == "openai"


def test_a_host_prefix_reading_spelled_as_listed_wins_over_one_in_another_word_order(catalogue):
    # GitLab Duo's `duo-chat-gpt-5-1` is `gpt-5-1` (listed so), although `chat-gpt-5-1` has
    # the words of another model others list, `gpt-5-1-chat`
    resold = _reseller(catalogue, "gitlab", "GitLab Duo", {
        "duo-chat-o1-mini": ("openai", "o1-mini"),
        "duo-chat-gpt-4.1-nano": ("openai", "gpt-4.1-nano"),
    })
    resold = _reseller(resold, "vercel", "Vercel", {"openai/o1-mini-chat": ("openai", "o1-mini")})
    resold = _reseller(resold, "kilo", "Kilo", {"openai/o1-mini-chat": ("openai", "o1-mini")})
    models = {(o.host, o.endpoint_id): resolve_model(o.model).slug
              for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert models["GitLab Duo", "duo-chat-o1-mini"] == "o1-mini"


def test_numbers_run_together_where_the_entrys_own_name_writes_a_point_are_read_so(catalogue):
    # Venice's `openai-gpt-54-mini` is named "GPT-5.4 Mini"; GitHub Copilot's
    # `claude-opus-41` "Claude Opus 4.1": the name says where the point goes
    resold = catalogue
    for provider, name, ids in (
        ("venice", "Venice AI", {"openai-gpt-41-nano": "GPT-4.1 nano", "acme-12": "Acme 1.2"}),
        ("cortecs", "Cortecs", {"gpt-41-nano": "GPT-4.1 nano"}),
        ("kilo", "Kilo", {"gpt-41-nano": "GPT-41 nano"}),  # the name runs them together too
        ("vercel", "Vercel", {"gpt-41-nano": "GPT-4.1 mini"}),  # the name says another model
    ):
        resold = _reseller(resold, provider, name, dict.fromkeys(ids, ("openai", "o1-mini")))
        for key, label in ids.items():
            resold[provider]["models"][key]["name"] = label
    read = {(o.host, o.endpoint_id): resolve_model(o.model)
            for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert read["Venice AI", "openai-gpt-41-nano"].slug == "gpt-4-1-nano"
    assert read["Cortecs", "gpt-41-nano"].slug == "gpt-4-1-nano"
    assert read["Cortecs", "gpt-41-nano"].vendor_slug == "openai"
    assert read["Kilo", "gpt-41-nano"].slug == read["Vercel", "gpt-41-nano"].slug == "gpt-41-nano"
    assert read["Venice AI", "acme-12"].slug == "acme-12"  # no one lists `acme-1-2`


def test_a_glued_version_number_stays_apart_if_one_provider_or_another_maker_lists_it(
        catalogue):
    resold = _reseller(catalogue, "cortecs", "Cortecs", {
        "acme9": ("openai", "o1-mini"),  # both spellings listed here only
        "acme-9": ("openai", "o1-mini"),
        "acme-labs/gpt4o-mini": ("openai", "gpt-4o-mini"),  # another maker's `gpt-4o-mini`
    })
    resold = _reseller(resold, "kilo", "Kilo", {"acme-labs/acme-chat": ("openai", "o1-mini")})
    models = {o.endpoint_id: resolve_model(o.model)
              for o in extract_catalogue(resold, version="0.0-test").of_type(OfferClaim)}
    assert (models["acme9"].slug, models["acme-9"].slug) == ("acme9", "acme-9")
    assert models["acme-labs/gpt4o-mini"].slug == "gpt4o-mini"
    assert models["acme-labs/gpt4o-mini"].vendor_slug == "acme-labs"


def _vendors_by_endpoint(catalogue) -> dict[str, str | None]:
    extraction = extract_catalogue(catalogue, version="0.0-test")
    return {o.endpoint_id: resolve_model(o.model).vendor_slug
            for o in extraction.of_type(OfferClaim)}


def test_a_hosts_prefix_over_other_vendors_models_names_no_vendor(catalogue):
    resold = _reseller(catalogue, "drun", "D.Run", {
        "public/gpt-4o-mini": ("openai", "gpt-4o-mini"),
        "public/mistral-large-2411": ("mistral", "mistral-large-2411"),
        "public/brand-new-model": ("openai", "o1-mini"),
    })
    vendors = _vendors_by_endpoint(resold)
    quads = extraction_quads(extract_catalogue(resold, version="0.0-test"))
    assert not any(q.object == vendor_iri("public") for q in quads)  # nor from the offers' ids
    assert vendors["public/gpt-4o-mini"] == "openai"
    assert vendors["public/mistral-large-2411"] == "mistral"
    # most models under `public/` are other vendors': it is the host's prefix, not a maker
    assert vendors["public/brand-new-model"] is None


def test_a_namespace_naming_a_host_that_is_no_vendor_is_that_hosts_addressing(catalogue):
    resold = _reseller(catalogue, "poe", "Poe", {
        "azure/o1-mini-az": ("openai", "o1-mini"),  # Azure serves it; Azure is no vendor
        "acme-labs/acme-chat": ("openai", "o1-mini"),  # a maker no provider answers to
    })
    vendors = _vendors_by_endpoint(resold)
    assert vendors["azure/o1-mini-az"] is None
    assert vendors["acme-labs/acme-chat"] == "acme-labs"


def test_a_host_listing_models_under_its_own_name_makes_them(catalogue):
    resold = _reseller(catalogue, "groq", "Groq", {
        "groq/compound": ("openai", "o1-mini"),
        "gpt-4o-mini": ("openai", "gpt-4o-mini"),
    })
    resold = _reseller(resold, "poe", "Poe", {"groq/compound-beta": ("openai", "o1-mini")})
    vendors = _vendors_by_endpoint(resold)
    assert vendors["groq/compound"] == vendors["groq/compound-beta"] == "groq"


def test_in_a_deep_path_only_a_segment_known_as_a_vendor_names_one(catalogue):
    resold = _reseller(catalogue, "fireworks-ai", "Fireworks AI", {
        "accounts/fireworks/models/llama-v3p3-70b": ("openrouter", "meta-llama/llama-3.3-70b-instruct"),
        "accounts/fireworks/models/gpt-4o-mini": ("openai", "gpt-4o-mini"),
    })
    resold = _reseller(resold, "cloudflare-workers-ai", "Cloudflare Workers AI", {
        "workers-ai/@cf/meta-llama/llama-guard-9": ("openai", "o1-mini"),
        "@cf/embed-9": ("openai", "o1-mini"),
    })
    resold = _reseller(resold, "synthetic", "Synthetic", {
        "hf:meta-llama/llama-3.3-70b-instruct": ("openrouter", "meta-llama/llama-3.3-70b-instruct"),
    })
    vendors = _vendors_by_endpoint(resold)
    assert vendors["accounts/fireworks/models/llama-v3p3-70b"] is None  # no "models" vendor
    assert vendors["accounts/fireworks/models/gpt-4o-mini"] == "openai"
    # Cloudflare's `@cf/` scope and a `hf:` scheme are the host's, not the model's
    assert vendors["workers-ai/@cf/meta-llama/llama-guard-9"] == "meta-llama"
    assert vendors["@cf/embed-9"] is None
    assert vendors["hf:meta-llama/llama-3.3-70b-instruct"] == "meta-llama"


def test_a_namespace_extending_a_vendors_name_by_a_word_is_that_vendors(catalogue):
    resold = _reseller(catalogue, "siliconflow", "SiliconFlow", {
        "mistral-community/mistral-tiny-9": ("mistral", "mistral-large-2411"),
        "meta/llama-4-scout": ("openrouter", "meta-llama/llama-3.3-70b-instruct"),
        "openaiplus/gpt-9": ("openai", "o1-mini"),  # glued on: another name
    })
    vendors = _vendors_by_endpoint(resold)
    assert vendors["mistral-community/mistral-tiny-9"] == "mistral"
    # two spellings of one maker no provider answers to: `meta-llama` is `meta`'s
    assert vendors["meta/llama-4-scout"] == "meta"
    assert vendors["meta-llama/llama-3.3-70b-instruct"] == "meta"
    assert vendors["openaiplus/gpt-9"] == "openaiplus"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_extracting_stage_shows_progress_per_provider_in_at_most_100_updates(tmp_path):
    entry = json.loads(FIXTURE.read_text())["openai"]["models"]["gpt-4o-mini"]
    large = {f"host-{n:03d}": {"id": f"host-{n:03d}", "name": f"Host {n:03d}",
                               "models": {"gpt-4o-mini": entry, "gpt-4o-mini-b": {
                                   **entry, "id": "gpt-4o-mini-b"}}}
             for n in range(300)}
    path = tmp_path / "large.json"
    path.write_text(json.dumps(large))
    terminal = Terminal()
    read_sources("models.dev", catalogue_file=str(path), progress=Progress(stream=terminal))
    updates = [line for line in terminal.getvalue().split("\r") if line.startswith("extracting")]
    counts = [tuple(map(int, line.split()[-1].split("/"))) for line in updates]
    assert 20 <= len(counts) <= 101
    assert all(total == 600 for _, total in counts)
    assert [done for done, _ in counts] == sorted(done for done, _ in counts)
    assert counts[-1] == (600, 600) and updates[-1].endswith("\n")


def test_off_a_terminal_the_extracting_stage_is_one_line(tmp_path):
    output = io.StringIO()
    read_sources("models.dev", catalogue_file=str(FIXTURE), progress=Progress(stream=output))
    lines = output.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["reading", "extracting", "mapping"]
    assert lines[1].startswith("extracting: 13 done")
