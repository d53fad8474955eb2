"""Views reuse the source table between requests only while the store's generation stays
the same: after a write, the next view reads the sources anew (never a stale table)."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import BACKENDS, PREFIXES, served

TOKEN = "an-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module", params=BACKENDS)
def admin_client(request):
    with served(request, admin_token=TOKEN, stale_after_days=30) as client:
        yield client


def vendor_citation(client) -> dict:
    body = client.get("/models/zephyr", headers={"Cache-Control": "no-cache"}).json()
    fact = next(f for f in body["data"]["facts"] if f["name"] == "vendor")
    return {k: fact["values"][0][k] for k in ("sources", "stale")}


def test_a_source_dated_by_a_write_is_fresh_in_the_next_view(admin_client):
    assert vendor_citation(admin_client) == {"sources": ["alpha"], "stale": True}
    assert vendor_citation(admin_client)["stale"] is True  # read again: same generation
    today = dt.date.today().isoformat()
    update = PREFIXES + (
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
        f'INSERT DATA {{ GRAPH src:alpha {{ src:alpha mg:researchedOn "{today}"^^xsd:date }} }}'
    )
    response = admin_client.post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 200, response.text
    assert vendor_citation(admin_client) == {"sources": ["alpha"], "stale": False}
