"""An app over the small TriG fixture, served through FastAPI's TestClient (real HTTP
semantics, no socket). Apps start their query worker processes with the client and stop
them when it closes.

The service tests run on two backends (`BACKENDS`): "embedded" (the data in an embedded
store, queries in worker processes) and "oxigraph" (the data loaded into the session's
`oxigraph serve`, the app on `RemoteStore`). A fixture parametrised over `BACKENDS` builds
its client with `served(request, quads, **settings)`. Tests about worker processes and
their time limits stay on the embedded store, by design.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from modelgraph.execution.remote import RemoteExecutor
from modelgraph.settings import Settings
from modelgraph.store import EmbeddedStore, RemoteStore
from modelgraph.web import create_app
from modelgraph.web.app import executor_of

from ..oxigraph_server import SharedServer

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "web" / "catalogue.trig"
SRC = "https://w3id.org/modelgraph/source/"
ID = "https://w3id.org/modelgraph/id/"
MG = "https://w3id.org/modelgraph/ontology#"
PREFIXES = f"PREFIX mg: <{MG}>\nPREFIX mgid: <{ID}>\nPREFIX src: <{SRC}>\n"
SOURCE_GRAPHS = [SRC + "alpha", SRC + "beta", SRC + "gamma"]


def catalogue_quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))


BACKENDS = ["embedded", "oxigraph"]


class RemoteTestClient(TestClient):
    """A TestClient of an app on the shared `oxigraph serve`. Before each request it makes
    sure the server holds this client's data (another test may have changed the server);
    after a request that may have written, it takes the server's new state as its own."""

    def __init__(self, app, shared: SharedServer, quads: list[ox.Quad], **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.shared, self.quads, self.expected = shared, quads, None

    def request(self, method: str, url, **kwargs):
        if self.shared.state() != self.expected:
            self.expected = self.shared.load(self.quads)
        response = super().request(method, url, **kwargs)
        if method.upper() not in ("GET", "HEAD", "OPTIONS"):
            self.expected = self.shared.state()
        return response


@contextmanager
def serve(tmp_path: Path | None = None, store: EmbeddedStore | None = None, *,
          quads: list[ox.Quad] | None = None, shared: SharedServer | None = None,
          graph_prefix: str | None = None, raise_server_exceptions: bool = False,
          **settings):
    """A TestClient over the fixture (or `store`, or `quads`), with settings overridden as
    given; with `shared`, the app serves that server, loaded with the data (modelgraph
    writes only graphs under `graph_prefix` there, by default its own)."""
    settings.setdefault("workers", 1)
    # views computed per request here; test_materialized_views.py serves them materialised
    # (and checks both give the same documents) without a background fill in every app
    settings.setdefault("materialize_views", False)
    settings.setdefault("data_dir", (tmp_path or Path("/nonexistent")) / "data")
    quads = catalogue_quads() if quads is None else quads
    if shared is None:
        app = create_app(Settings(**settings), store or EmbeddedStore.memory(quads))
        with TestClient(app, raise_server_exceptions=raise_server_exceptions) as client:
            yield client
        return
    options = {} if graph_prefix is None else {"graph_prefix": graph_prefix}
    remote = RemoteStore(shared.url, graph_cache_s=0, **options)
    try:
        app = create_app(Settings(**settings), remote)
        with RemoteTestClient(app, shared, quads,
                              raise_server_exceptions=raise_server_exceptions) as client:
            yield client
    finally:
        remote.close()


def served(request, quads: list[ox.Quad] | None = None, *, graph_prefix: str | None = None,
           **settings):
    """`serve` on the backend that a fixture parametrised over BACKENDS was given."""
    shared = request.getfixturevalue("shared_oxigraph") if request.param == "oxigraph" else None
    return serve(quads=quads, shared=shared, graph_prefix=graph_prefix, **settings)


def is_remote(client: TestClient) -> bool:
    return isinstance(executor_of(client.app), RemoteExecutor)


@pytest.fixture(scope="package", params=BACKENDS)
def client(request):
    with served(request, workers=2) as client:
        yield client


def select(client: TestClient, query: str, **params) -> list[dict]:
    """Run a SELECT and return its bindings as {var: value} dicts (plain strings)."""
    response = client.get("/sparql", params={"query": PREFIXES + query, **params})
    assert response.status_code == 200, response.text
    results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    return [{v.value: s[v].value for v in results.variables if s[v] is not None} for s in results]
