"""An app over the small TriG fixture, served through FastAPI's TestClient (real HTTP
semantics, no socket). Apps start their query worker processes with the client and stop
them when it closes."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from modelgraph.settings import Settings
from modelgraph.store import EmbeddedStore
from modelgraph.web import create_app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "web" / "catalogue.trig"
SRC = "https://w3id.org/modelgraph/source/"
ID = "https://w3id.org/modelgraph/id/"
MG = "https://w3id.org/modelgraph/ontology#"
PREFIXES = f"PREFIX mg: <{MG}>\nPREFIX mgid: <{ID}>\nPREFIX src: <{SRC}>\n"
SOURCE_GRAPHS = [SRC + "alpha", SRC + "beta", SRC + "gamma"]


def catalogue_quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))


@contextmanager
def serve(tmp_path: Path | None = None, store: EmbeddedStore | None = None, **settings):
    """A TestClient over the fixture (or `store`), with settings overridden as given."""
    settings.setdefault("workers", 1)
    settings.setdefault("data_dir", (tmp_path or Path("/nonexistent")) / "data")
    app = create_app(Settings(**settings), store or EmbeddedStore.memory(catalogue_quads()))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="package")
def client():
    with serve(workers=2) as client:
        yield client


def select(client: TestClient, query: str, **params) -> list[dict]:
    """Run a SELECT and return its bindings as {var: value} dicts (plain strings)."""
    response = client.get("/sparql", params={"query": PREFIXES + query, **params})
    assert response.status_code == 200, response.text
    results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    return [{v.value: s[v].value for v in results.variables if s[v] is not None} for s in results]
