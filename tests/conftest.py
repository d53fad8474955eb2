"""Fixtures shared by every test package: one `oxigraph serve` for the whole session,
started only when a test asks for it (tests/oxigraph_server.py)."""

import os

import pytest

from .oxigraph_server import SharedServer, oxigraph_server  # noqa: F401  (session fixture)

# Each test chooses its store; a store URL exported in the shell must not redirect them all.
os.environ.pop("MODELGRAPH_STORE_URL", None)


@pytest.fixture(scope="session")
def shared_oxigraph(oxigraph_server) -> SharedServer:  # noqa: F811
    """The session's `oxigraph serve`, for tests that load their own data into it."""
    shared = SharedServer(oxigraph_server)
    yield shared
    shared.close()
