"""The W3C SPARQL 1.1 Protocol test suite, run as data against /sparql on both backends.

Each test gets a service holding only the graphs it names, with writes enabled (the
update tests need them; the admin token is sent with every request), and sends the
manifest's requests in order on one client. On `oxigraph serve` modelgraph is allowed to
write any graph here (the tests write graphs outside modelgraph's namespace). The tests
modelgraph does not pass are listed, with the reason, in deviations.py: each is expected
to fail, and the run fails if one of them starts passing, so docs/conformance.md (written
from the same list) stays true."""

from __future__ import annotations

import pytest

from ..web.conftest import BACKENDS, served
from .deviations import reason
from .protocol_suite import load, problems

TOKEN = "conformance"


def _cases() -> list:
    return list(_each_case())


def _each_case():
    for backend in BACKENDS:
        for test in load():
            why = reason(test.name, backend)
            marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
            yield pytest.param(test, backend, marks=marks, id=f"{backend}-{test.name}")


@pytest.fixture
def backend(request):
    return request


@pytest.mark.parametrize(("test", "backend"), _cases(), indirect=["backend"])
def test_w3c_protocol(test, backend):
    with served(backend, quads=test.data(), graph_prefix="", admin_token=TOKEN) as client:
        for number, request in enumerate(test.requests, 1):
            response = client.request(
                request.method, request.target, content=request.body,
                headers={**request.headers, "Authorization": f"Bearer {TOKEN}"})
            found = problems(request.expected, response.status_code,
                             response.headers.get("content-type"), response.content)
            assert not found, f"{test.title}, request {number}: " + "; ".join(found)
