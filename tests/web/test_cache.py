"""The response cache: repeated GETs are answered from memory until the generation changes."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from modelgraph.web.cache import ResponseCache, generation_reader


class CountingApp:
    """A tiny ASGI app that counts how often it really runs."""

    def __init__(self, status=200):
        self.calls = 0
        self.status = status

    async def __call__(self, scope, receive, send):
        self.calls += 1
        body = f"answer {self.calls}".encode()
        await send({"type": "http.response.start", "status": self.status,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})


def request(app, path="/models", method="GET", headers=()):
    messages = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": b"",
             "headers": list(headers), "root_path": ""}
    # a thread of its own: other tests (the browser's sync API) may leave a loop running here
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], dict(start["headers"]), body


@pytest.fixture
def live(tmp_path):
    (tmp_path / "CURRENT").write_text("gen-1\n")
    return tmp_path


def test_a_repeated_get_is_answered_from_memory_until_the_generation_changes(live):
    inner = CountingApp()
    app = ResponseCache(inner, generation_reader(live))
    assert request(app)[2] == b"answer 1"
    status, headers, body = request(app)
    assert (status, body, headers[b"x-cache"]) == (200, b"answer 1", b"hit")
    assert inner.calls == 1
    (live / "CURRENT").write_text("gen-22\n")
    assert request(app)[2] == b"answer 2"


def test_no_cache_requests_recompute_and_credentials_bypass(live):
    inner = CountingApp()
    app = ResponseCache(inner, generation_reader(live))
    request(app)
    assert request(app, headers=[(b"cache-control", b"no-cache")])[2] == b"answer 2"
    assert request(app, headers=[(b"authorization", b"Bearer x")])[2] == b"answer 3"
    assert request(app)[2] == b"answer 2"  # the fresh answer replaced the old one


def test_errors_and_writes_are_never_cached(live):
    inner = CountingApp(status=503)
    app = ResponseCache(inner, generation_reader(live))
    request(app)
    request(app)
    assert inner.calls == 2
    ok = CountingApp()
    app = ResponseCache(ok, generation_reader(live))
    request(app, method="POST")
    request(app, method="POST")
    assert ok.calls == 2


def test_etag_and_if_none_match(live):
    app = ResponseCache(CountingApp(), generation_reader(live))
    etag = request(app)[1][b"etag"]
    assert b"gen-1" in etag
    status, _, body = request(app, headers=[(b"if-none-match", etag)])
    assert status == 304 and body == b""


def test_an_etag_the_application_sets_is_kept_and_not_doubled(live):
    async def tagged(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/css"), (b"etag", b'"own"')]})
        await send({"type": "http.response.body", "body": b"body {}"})

    messages = []
    app = ResponseCache(tagged, generation_reader(live))

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "method": "GET", "path": "/static/x.css", "query_string": b"",
             "headers": [], "root_path": ""}
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    assert [v for k, v in messages[0]["headers"] if k == b"etag"] == [b'"own"']
    status, _, _ = request(app, path="/static/x.css", headers=[(b"if-none-match", b'"own"')])
    assert status == 304


def test_without_a_generation_nothing_is_cached(tmp_path):
    inner = CountingApp()
    app = ResponseCache(inner, generation_reader(None))
    request(app)
    request(app)
    assert inner.calls == 2


def test_the_cache_keeps_to_its_size(live):
    inner = CountingApp()
    app = ResponseCache(inner, generation_reader(live), max_bytes=20)
    for path in ("/a", "/b", "/c"):
        request(app, path=path)
    assert app.size <= 20 and len(app.entries) < 3


def test_entries_expire(live):
    inner = CountingApp()
    app = ResponseCache(inner, generation_reader(live), max_age_s=0)
    request(app)
    request(app)
    assert inner.calls == 2


def test_the_service_answers_repeats_from_the_cache_and_never_serves_a_replaced_graph():
    from fastapi.testclient import TestClient

    from modelgraph.settings import Settings
    from modelgraph.store import EmbeddedStore
    from modelgraph.web.app import create_app

    from .. import fictional

    app = create_app(Settings(workers=1, admin_token="t"),
                     store=EmbeddedStore.memory(fictional.quads()))
    with TestClient(app) as client:
        first = client.get("/sources")
        again = client.get("/sources")
        assert again.headers["x-cache"] == "hit" and again.json() == first.json()
        assert client.get("/sources", headers={"If-None-Match": first.headers["etag"]}
                          ).status_code == 304
        client.delete("/sources/b", headers={"Authorization": "Bearer t"})
        after = client.get("/sources")
        assert after.headers["x-cache"] == "miss"
        assert [s["id"] for s in after.json()["data"]] == ["a"]
