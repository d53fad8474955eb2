"""Backends for the store contract: every test in test_contract.py runs on each of them.

* memory: `EmbeddedStore.memory()`;
* disk: an on-disk `EmbeddedStore` in a temp data directory;
* remote: `RemoteStore` on a real `oxigraph serve` (union via Oxigraph's parameter, GSP writes);
* remote-portable: the same server used as a plain SPARQL 1.1 server would be: the union
  default graph by listing graphs, writes by SPARQL Update only;
* remote-external: only when `MODELGRAPH_TEST_STORE_URL` names a server to check (Fuseki,
  Virtuoso, GraphDB, QLever...), configured by the usual `MODELGRAPH_STORE_*` variables
  (docs/remote-stores.md). The tests replace modelgraph's graphs on it: use a scratch server.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from modelgraph.store import EmbeddedStore, RemoteStore, Store
from modelgraph.store.embedded import write_generation

EXTERNAL_URL = os.environ.get("MODELGRAPH_TEST_STORE_URL")
BACKENDS = ["memory", "disk", "remote", "remote-portable"] + (
    ["remote-external"] if EXTERNAL_URL else []
)


@dataclass
class Backend:
    """Makes stores of one kind, and opens a second reader on a store the way another
    process (a service worker) would."""

    name: str
    _make: Callable[[list[ox.Quad]], Store]
    _reader: Callable[[Store], Store]
    opened: list[Store] = field(default_factory=list)

    def make(self, quads: list[ox.Quad]) -> Store:
        store = self._make(quads)
        self.opened.append(store)
        return store

    def reader(self, store: Store) -> Store:
        """Another view of `store`: the same object in memory, a fresh open otherwise."""
        other = self._reader(store)
        if other is not store:
            self.opened.append(other)
        return other

    def close(self) -> None:
        for store in self.opened:
            store.close()


def _disk_backend(tmp_path: Path) -> Backend:
    data_dir = tmp_path / "data"

    def make(quads):
        write_generation(data_dir, quads)
        return EmbeddedStore.open(data_dir)

    return Backend("disk", make, lambda store: EmbeddedStore.open(data_dir))


def _replaced(store: RemoteStore, quads: list[ox.Quad]) -> RemoteStore:
    store.replace_dataset(quads)
    return store


def _remote_backend(name: str, url: str, **options) -> Backend:
    return Backend(
        name,
        lambda quads: _replaced(RemoteStore(url, **options), quads),
        lambda store: RemoteStore(url, **options),
    )


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> Backend:
    if request.param == "memory":
        made = Backend("memory", EmbeddedStore.memory, lambda store: store)
    elif request.param == "disk":
        made = _disk_backend(tmp_path)
    elif request.param == "remote-external":
        made = Backend(
            "remote-external",
            lambda quads: _replaced(RemoteStore.from_env(EXTERNAL_URL), quads),
            lambda store: RemoteStore.from_env(EXTERNAL_URL),
        )
    else:
        server = request.getfixturevalue("oxigraph_server")
        if request.param == "remote":
            made = _remote_backend("remote", server.url)
        else:
            made = _remote_backend(
                "remote-portable", server.url, union_default_graph="graphs", gsp_url=""
            )
    try:
        yield made
    finally:
        made.close()
