"""The web UI over HTTP: query page, HTML views, validation page, static files.

Runs against the small fictional catalogue (tests/fictional.py): Acme Swift is replaced by
Acme Swift 2; two directories disagree about Swift's cached input price.
"""

import gzip
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from starlette.requests import Request

from modelgraph.derive import with_derived
from modelgraph.queries import canned_queries
from modelgraph.rdf import extraction_quads
from modelgraph.records import Extraction, ModelClaim, ModelRef, SourceInfo
from modelgraph.settings import Settings
from modelgraph.shacl.issues import ValidationIssue
from modelgraph.store import EmbeddedStore
from modelgraph.validation import ValidationReport
from modelgraph.web.app import create_app
from modelgraph.web.diagram import lineage_svg
from modelgraph.web.ui import STATIC, render_validation_html

from .. import fictional

HTML = {"Accept": "text/html"}
ID = "https://w3id.org/modelgraph/id/"
VIEW_PAGES = [
    "/models", "/models/acme-swift", "/models/acme-swift/lineage",
    "/models/acme-swift/migration", "/models/acme-swift/migration?to=acme-swift-2",
    "/models/acme-swift/offers", "/models/acme-swift/timeline", "/benchmarks",
    "/benchmarks/mmlu", "/rankings", "/rankings?benchmark=mmlu", "/conflicts", "/sources",
    "/sources/a",
]


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(workers=1, stale_after_days=36500),
                     store=EmbeddedStore.memory(fictional.quads()))
    with TestClient(app) as client:
        yield client


def page(client, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def examples_on(html: str) -> list[dict]:
    block = re.search(r'<script id="query-examples" type="application/json">(.*?)</script>',
                      html, re.DOTALL)
    return json.loads(block.group(1))


def test_home_page_links_every_view_the_query_editor_and_the_endpoint(client):
    html = page(client, "/")
    for path in ("/models", "/benchmarks", "/rankings", "/conflicts", "/sources",
                 "/validation", "/query", "/export"):
        assert f'href="{path}"' in html
    assert "/sparql" in html


def test_browsers_get_the_query_page_at_the_endpoint_and_at_query(client):
    for path in ("/sparql", "/query"):
        html = page(client, path)
        assert 'id="yasgui"' in html and 'data-endpoint="/sparql"' in html
        assert '/static/yasgui/yasgui.min.js' in html
    # clients of the protocol still get the service description
    described = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert described.headers["content-type"].startswith("text/turtle")


def test_query_page_offers_every_canned_query_bound_to_an_entity_in_the_graph(client):
    examples = examples_on(page(client, "/query"))
    canned = {e["name"]: e for e in examples if e["group"] == "canned"}
    assert set(canned) == set(canned_queries())
    # the model with the most offers in the fictional catalogue is Acme Swift
    assert f"<{ID}model/acme-swift>" in canned["offers"]["sparql"]
    assert f"<{ID}benchmark/mmlu>" in canned["rankings"]["sparql"]
    assert "UNDEF" in canned["models"]["sparql"]  # optional filters left open
    assert "LIMIT 50" in canned["models"]["sparql"]  # one page of the listing, as /models
    questions = [e for e in examples if e["group"] == "questions"]
    assert questions[0]["title"] == "Which sources state Acme Swift's prices?"


def test_every_example_query_runs_on_the_endpoint(client):
    for example in examples_on(page(client, "/query")):
        response = client.post("/sparql", data={"query": example["sparql"]},
                               headers={"Accept": "application/sparql-results+json, text/turtle"})
        assert response.status_code == 200, (example["name"], response.text)


@pytest.fixture(scope="module")
def built():
    """The fictional catalogue as a build stores it (with the derived graph the listings and
    /conflicts read), plus a source making Zeta the vendor with the most models while Swift
    stays the largest family: samples of different kinds that do not fit together."""
    zeta = Extraction(source_id="c", extractor="test", source=SourceInfo(site="Directory C"),
                      claims=[ModelClaim(model=ModelRef(name=f"Zeta {n}", vendor="Zeta"))
                              for n in range(1, 10)])
    quads = fictional.quads() + extraction_quads(zeta)
    app = create_app(Settings(workers=1, stale_after_days=36500),
                     store=EmbeddedStore.memory(with_derived(quads)))
    with TestClient(app) as client:
        yield client


def test_every_example_query_finds_something(built):
    # an example whose sample bindings do not fit together (a vendor and a family of
    # different models) runs, but lists nothing; a lone count of 0 is nothing either
    found = {example["name"]: _finds_something(built, example)
             for example in examples_on(page(built, "/query"))}
    assert [name for name, something in found.items() if not something] == []


def test_the_raw_disagreements_example_marks_what_conflicts_lists(built):
    example = next(e for e in examples_on(page(built, "/query")) if e["name"] == "disagreements")
    assert "rounding" in example["title"] + example["description"]
    response = built.post("/sparql", data={"query": example["sparql"]},
                          headers={"Accept": "application/sparql-results+json"})
    rows = {(r["subject"]["value"], r["property"]["value"]): r["inConflicts"]["value"]
            for r in response.json()["results"]["bindings"]}
    listed = {(c["subject"], c["property"])
              for c in built.get("/conflicts").json()["data"]["items"]}
    assert {key for key, counted in rows.items() if counted == "true"} == listed
    # Swift's release date, 2024-05-01 and 2024-05: only more precise, no disagreement
    assert rows[(ID + "model/acme-swift", "https://w3id.org/modelgraph/ontology#releaseDate")] \
        == "false"


def _finds_something(client, example: dict) -> bool:
    response = client.post("/sparql", data={"query": example["sparql"]},
                           headers={"Accept": "application/sparql-results+json, "
                                              "application/n-triples"})
    assert response.status_code == 200, (example["name"], response.text)
    if response.headers["content-type"].startswith("application/n-triples"):
        return bool(response.text.strip())
    rows = response.json()["results"]["bindings"]
    return any(any(term["value"] != "0" for term in row.values()) for row in rows)


def test_the_price_example_finds_both_stated_cached_prices(client):
    example = next(e for e in examples_on(page(client, "/query"))
                   if e["name"] == "who-states-prices")
    response = client.post("/sparql", data={"query": example["sparql"]},
                           headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(response.text)["results"]["bindings"]
    cached = [(r["value"]["value"], r["source"]["value"].rsplit("/", 1)[1]) for r in rows
              if r["price"]["value"].endswith("#cachedInputPrice")]
    assert sorted(cached) == [("0.07", "b"), ("0.075", "a")]  # once each


@pytest.mark.parametrize("path", VIEW_PAGES)
def test_every_view_page_shows_its_sparql_with_a_working_editor_link_and_data_links(client, path):
    html = page(client, path)
    assert "The SPARQL behind this page" in html and "<pre><code>" in html
    links = re.findall(r'href="(/query\?[^"]+)"', html)
    assert links, "no 'open in query editor' link"
    query = parse_qs(urlsplit(unescape(links[0])).query)["query"][0]
    shown = client.get(path + ("&" if "?" in path else "?") + "format=json").json()["queries"]
    assert query in [q["sparql"] for q in shown]
    assert "format=json" in html and "format=jsonld" in html
    ran = client.post("/sparql", data={"query": query},
                      headers={"Accept": "application/sparql-results+json"})
    assert ran.status_code == 200, ran.text  # what the editor gets runs as it is


@pytest.mark.parametrize("path", ["/", "/query", "/validation", *VIEW_PAGES])
def test_pages_load_nothing_from_other_origins(client, path):
    html = page(client, path)
    resources = re.findall(r'<(?:script|img|iframe|source|link)\b[^>]*\b(?:src|href)="([^"]*)"',
                           html)
    assert resources
    for url in resources:
        assert url.startswith("/") and not url.startswith("//") or url == "data:,", url
    assert "@import" not in html and "url(http" not in html


def test_stylesheets_and_scripts_reference_no_other_origin():
    for path in (STATIC / "modelgraph.css", STATIC / "query.js", STATIC / "yasgui/yasgui.min.css"):
        text = path.read_text()
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), path
    script = (STATIC / "query.js").read_text()
    assert "prefixCcApi: null" in script and "corsProxy: undefined" in script
    assert '"property" && name !== "class"' in script  # the LOV autocompleters are removed


def test_vendored_yasgui_matches_its_manifest(client):
    manifest = json.loads((STATIC / "yasgui" / "VENDOR.json").read_text())
    assert manifest["package"] == "@zazuko/yasgui"
    for name, digest in manifest["files"].items():
        served = client.get(f"/static/yasgui/{name}")
        assert served.status_code == 200
        assert hashlib.sha256(served.content).hexdigest() == digest, name
    assert "MIT License" in (STATIC / "yasgui" / "LICENSE").read_text()


def test_the_yasgui_bundle_is_sent_gzipped_and_plain_to_clients_without_gzip(client):
    script = gzip.decompress((STATIC / "yasgui" / "yasgui.min.js.gz").read_bytes())
    zipped = client.get("/static/yasgui/yasgui.min.js", headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert int(zipped.headers["content-length"]) < len(script) / 2
    assert zipped.content == script  # the client decodes it
    plain = client.get("/static/yasgui/yasgui.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == script
    again = client.get("/static/yasgui/yasgui.min.js",
                       headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/static/yasgui/no-such.js").status_code == 404


def test_model_page_shows_facts_with_numbered_sources_and_highlights_disagreement(client):
    html = page(client, "/models/acme-swift")
    text = text_of(html)
    assert "128,000 [ 1 , 2 ]" in text  # stated by both directories
    cached_cell = re.search(r'<td class="num conflict">(.*?)</td>', html, re.DOTALL).group(1)
    assert "$0.07" in cached_cell and "$0.075" in cached_cell
    assert "a — Directory A" in text and "b — Directory B" in text
    for view in ("lineage", "migration", "timeline", "offers"):
        assert f'href="/models/acme-swift/{view}"' in html


def test_model_page_draws_the_lineage_diagram_with_links_to_relatives(client):
    html = page(client, "/models/acme-swift")
    svg = re.search(r'<svg class="lineage".*?</svg>', html, re.DOTALL).group(0)
    assert 'href="/models/acme-swift-2"' in svg
    assert 'href="/models/acme-swift-2024-05-01"' in svg
    assert "recommended replacement" in svg and "snapshot" in svg


def test_lineage_diagram_puts_successors_right_and_snapshots_below():
    edges = [
        {"from": "old", "relation": "successor", "to": "mid", "sources": ["s"]},
        {"from": "mid", "relation": "recommended replacement", "to": "new", "sources": ["s"]},
        {"from": "mid", "relation": "snapshot", "to": "mid-2024", "sources": ["t"]},
    ]
    svg = lineage_svg("mid", edges, {"mid": "Mid"}, lambda i: f"/models/{i}")
    ns = {"svg": "http://www.w3.org/2000/svg"}
    boxes = {}
    for link in ET.fromstring(svg).iterfind("svg:a", ns):
        rect = link.find("svg:rect", ns)
        boxes[link.get("href").rsplit("/", 1)[1]] = (float(rect.get("x")), float(rect.get("y")))
    assert boxes["old"][0] < boxes["mid"][0] < boxes["new"][0]
    assert boxes["mid-2024"][1] > boxes["mid"][1]
    assert abs(boxes["mid-2024"][0] - boxes["mid"][0]) < 40  # same column, indented


def test_migration_page_shows_deltas_unknowns_and_modality_changes(client):
    text = text_of(page(client, "/models/acme-swift/migration"))
    assert "1. Acme Swift 2 acme-swift-2" in text
    assert "+872,000 +681.25 %" in text  # context window 128,000 -> 1,000,000
    assert "+16,384 +100 %" in text  # max output tokens
    assert "Output price $0.60 [" in text and "$0.40 [" in text
    assert "−$0.20 −33.33 %" in text
    assert "loses pdf" in text and "not stated for the replacement: batch-api" in text
    assert "MMLU (percent) 80 [" in text and "+4.5" in text


def test_models_page_has_filters_sortable_headings_and_paging(client):
    html = page(client, "/models?limit=1&sort=name")
    for name in ("q", "vendor", "family", "modality", "capability", "min_context",
                 "max_input_price", "max_output_price", "released_after", "released_before"):
        assert f'name="{name}"' in html
    assert 'aria-sort="ascending"' in html
    assert re.search(r'href="/models\?limit=1&amp;sort=-name"', html)
    assert re.search(r'rel="next" href="/models\?limit=1&amp;sort=name&amp;offset=1"', html)
    assert "Models 1–1 of 2" in text_of(html)


def test_text_from_sources_is_escaped(client):
    hostile = '<script>alert("x")</script>'
    quads = fictional.quads() + [ox.Quad(
        ox.NamedNode(ID + "model/acme-swift"), ox.NamedNode("http://purl.org/dc/terms/description"),
        ox.Literal(hostile), ox.NamedNode("https://w3id.org/modelgraph/source/a"))]
    app = create_app(Settings(workers=1), store=EmbeddedStore.memory(quads))
    with TestClient(app) as other:
        html = page(other, "/models/acme-swift")
    assert hostile not in html and "&lt;script&gt;alert(" in html


def _issue(severity, focus, sources, message, path=None):
    return ValidationIssue(severity, focus, path, None, message, tuple(sources), None, None)


def test_validation_page_groups_by_severity_then_source_then_focus_node():
    report = ValidationReport(conforms=False, graph=rdflib.Graph(), issues=[
        _issue("Warning", ID + "model/b", ["s2"], "warning about b"),
        _issue("Violation", ID + "model/z", ["s1"], "z is wrong", ID + "p"),
        _issue("Violation", ID + "model/a", ["s1"], "a as page s1 has it"),
        _issue("Violation", ID + "model/a", ["s0"], "a as page s0 has it"),
    ])
    request = Request({"type": "http", "method": "GET", "path": "/validation",
                       "query_string": b"", "headers": [], "root_path": ""})
    response = render_validation_html(request, report)
    text = text_of(response.body.decode())
    assert "does not conform" in text and "3 violations, 1 warning" in text
    order = [text.index(s) for s in ("Violations (3)", "Source s0", "a as page s0 has it",
                                     "Source s1", "a as page s1 has it", "z is wrong",
                                     "Warnings (1)", "Source s2", "warning about b")]
    assert order == sorted(order)
    assert 'href="/validation?format=turtle"' in response.body.decode()


def test_validation_page_of_the_live_graph(client):
    text = text_of(page(client, "/validation"))
    assert "Validation report" in text and "conforms" in text


def test_pages_work_under_a_root_path():
    app = create_app(Settings(workers=1), store=EmbeddedStore.memory(fictional.quads()))
    with TestClient(app, root_path="/mg") as client:
        html = client.get("/mg/models/acme-swift", headers=HTML).text
        listing = client.get("/mg/models", headers=HTML).text
    assert 'href="/mg/static/modelgraph.css"' in html
    assert 'href="/mg/models/acme-swift-2"' in html
    assert 'href="/mg/models/acme-swift?format=json"' in html
    assert 'href="/mg/models" aria-current="page"' in listing


def test_values_whose_sources_are_all_old_are_marked_stale(client):
    assert "stale]" not in text_of(page(client, "/models/acme-swift"))  # nothing is old
    app = create_app(Settings(workers=1, stale_after_days=1),
                     store=EmbeddedStore.memory(fictional.quads()))
    with TestClient(app) as strict:
        text = text_of(page(strict, "/models/acme-swift"))
    assert "128,000 [ 1 , 2 · stale ]" in text


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize("path, status", [
    ("/models/nope", 404), ("/models?limit=0", 400), ("/rankings?benchmark=nope", 404),
    ("/no-such-page", 404),
])
def test_a_browser_gets_errors_as_a_page_and_api_clients_as_json(client, path, status):
    error = client.get(path).json()
    as_json = path + ("&" if "?" in path else "?") + "format=json"
    for headers, asked in (({}, path), ({"Accept": "application/json"}, path),
                           (BROWSER, as_json)):
        answer = client.get(asked, headers=headers)
        assert answer.status_code == status
        assert answer.headers["content-type"].startswith("application/json")
        assert answer.json() == error
    page = client.get(path, headers=BROWSER)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    text = text_of(page.text)
    assert error["message"] in text and f"GET {path}" in text  # what went wrong, what was asked
    assert 'href="/"' in page.text and 'class="site"' in page.text  # the site's layout


def test_the_sparql_endpoint_keeps_its_protocol_errors_for_browsers_too(client):
    response = client.get("/sparql", params={"query": "SELEC"}, headers=BROWSER)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"] == "QuerySyntaxError"
