"""The seed folder: five pages and a manifest that agrees with what the pages state."""

import tomllib
from pathlib import Path

import pytest

from modelgraph import extractors
from modelgraph.pages import read_page

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
MANIFEST = tomllib.loads((SEEDS / "manifest.toml").read_text())["source"]


def test_every_seed_page_has_one_manifest_entry():
    assert sorted(e["file"] for e in MANIFEST) == sorted(p.name for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"][:3])
def test_manifest_agrees_with_the_page(entry):
    page = read_page(SEEDS / entry["file"])
    assert extractors.detect(page).name == entry["format"]  # detection needs no manifest
    stated = extractors.extract(page).source
    for key in ("researched", "verified", "refreshed", "updated"):
        page_value = getattr(stated, key)
        assert (page_value.iso if page_value else None) == entry.get(key), key
    for key in ("site", "page_kind"):
        if getattr(stated, key) is not None:
            assert getattr(stated, key) == entry[key], key
