"""The web UI: a YASGUI query page, HTML for every helper view, a home page, static files.

`install_ui(app)` wires it into an app made by `create_app`:

* the query page at /query, and at /sparql for browsers (Accept: text/html), through the
  `set_query_ui` hook; YASGUI is vendored under static/yasgui (scripts/vendor_yasgui.py)
  and configured to fetch nothing but this service's own endpoint;
* `app.state.view_html`, which modelgraph.web.views calls to render a ViewResult as HTML;
* `render_validation_html(request, report)` for the validation page;
* /static (our CSS and JS, YASGUI, kept and sent gzipped: static_files.py) and a home page at /.

Pages are made in a worker thread when the response is sent (`DeferredPage`), because
they run a query or two more than their view does (the source list for citations, a model's
lineage for its diagram, sample entities for the example queries) and the hooks that
produce them are synchronous. Every page cites its sources as numbered references and shows
the SPARQL it ran.
"""

from __future__ import annotations

import datetime as dt
import json
from http import HTTPStatus
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, Request, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from .. import views
from ..errors import ModelgraphError
from ..vocab import ID, PREFIXES, RDFS, SOURCE
from .context import service
from .diagram import lineage_svg
from .examples import examples
from .static_files import PrecompressedStaticFiles
from .views import ExecutorStore

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
HTML = "text/html; charset=utf-8"
RDFS_LABEL = RDFS.label.value

NAV = (  # (path, label) of the header's links
    ("/models", "Models"),
    ("/benchmarks", "Benchmarks"),
    ("/rankings", "Rankings"),
    ("/conflicts", "Conflicts"),
    ("/sources", "Sources"),
    ("/validation", "Validation"),
    ("/query", "Query"),
)


def install_ui(app: FastAPI) -> None:
    """Add the UI's routes, hooks and static files to `app`."""
    from .app import set_query_ui  # here: app.py imports this module

    app.state.view_html = render_view
    app.state.error_html = render_error
    app.state.validation_html = render_validation_html
    set_query_ui(app, query_page)
    app.add_api_route("/", home, methods=["GET"], include_in_schema=False)
    app.add_api_route("/query", query_page, methods=["GET"], include_in_schema=False)
    app.mount("/static", PrecompressedStaticFiles(directory=STATIC), name="static")


# -- responses -------------------------------------------------------------------------------


class DeferredPage(Response):
    """An HTML response whose body `make()` produces in a worker thread when it is sent.

    Lets the synchronous hooks (query UI, view renderer) run further queries without
    blocking the event loop. Errors raised by `make` reach the app's error handlers.
    """

    media_type = HTML

    def __init__(self, make: Callable[[], str], status_code: int = 200,
                 headers: dict | None = None) -> None:
        super().__init__(b"", status_code=status_code, headers=headers)
        self._make = make
        self._extra = headers

    async def __call__(self, scope, receive, send) -> None:
        self.body = (await run_in_threadpool(self._make)).encode()
        self.init_headers(self._extra)
        await super().__call__(scope, receive, send)


def render(request: Request, template: str, **context) -> str:
    return environment().get_template(template).render(request=request, **context)


# -- pages -----------------------------------------------------------------------------------


def home(request: Request) -> Response:
    return Response(render(request, "home.html"), media_type=HTML)


def query_page(request: Request) -> Response:
    """YASGUI with example queries built from the live graph."""
    store = ExecutorStore(service(request).executor)

    def make() -> str:
        try:
            found = examples(store)
            problem = None
        except ModelgraphError as exc:  # the editor still works; the samples are extras
            found = examples(_EmptyStore())
            problem = str(exc)
        return render(request, "query.html", examples=[e.to_dict() for e in found],
                      problem=problem, id_base=ID, source_base=SOURCE)

    return DeferredPage(make, headers={"Vary": "Accept"})


class _EmptyStore:
    def query(self, _sparql: str):
        return []


def render_view(request: Request, result: views.ViewResult) -> Response:
    """`app.state.view_html`: one template per view, sources cited by number."""
    ctx = _view_context(request)

    def make() -> str:
        extra = {}
        if result.view == "model":
            extra = _model_lineage(ctx, result.data, _root(request))
        elif result.view == "lineage":
            label = _label(ctx, result.data["iri"])
            extra = {"diagram": lineage_markup(result.data, _root(request), label),
                     "label": label}
        citations = Citations(_source_index(ctx))
        return render(request, f"{result.view}.html", result=result, data=result.data,
                      queries=_distinct(result.queries + extra.pop("queries", [])),
                      cite=citations, stale_after=ctx.stale_after_days, **extra)

    return DeferredPage(make)


def render_error(request: Request, status: int, body: dict,
                 headers: dict | None = None) -> Response:
    """`app.state.error_html`: an error as a page, for a browser (errors.py decides)."""
    asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    page = render(request, "error.html", status=status, reason=HTTPStatus(status).phrase,
                  error=body, asked=asked)
    return Response(page, status_code=status, media_type=HTML, headers=headers)


def render_validation_html(request: Request, report, formats: dict[str, str] | None = None
                           ) -> Response:
    """The validation report as a page: severity, then source page, then focus node.

    `formats` maps a label ("JSON", "Turtle", ...) to the URL of the report in that format;
    by default the same URL with ?format=json|jsonld|turtle|text.
    """
    if formats is None:
        formats = {label: _with_query(request, format=name) for label, name in (
            ("JSON", "json"), ("JSON-LD", "jsonld"), ("Turtle", "turtle"), ("Text", "text"))}
    groups = []
    for severity in ("Violation", "Warning", "Info"):
        issues = [i for i in report.issues if i.severity == severity]
        if not issues:
            continue
        by_source: dict[tuple, dict[str, list]] = {}
        for issue in issues:
            by_source.setdefault(tuple(issue.source_ids), {}).setdefault(
                issue.focus_node, []).append(issue)
        groups.append({
            "severity": severity,
            "count": len(issues),
            "sources": [
                {"ids": list(ids), "focus": [{"node": node, "issues": found}
                                             for node, found in sorted(nodes.items())]}
                for ids, nodes in sorted(by_source.items())
            ],
        })
    counts = {s: sum(1 for i in report.issues if i.severity == s)
              for s in ("Violation", "Warning", "Info")}
    html = render(request, "validation.html", report=report, groups=groups, counts=counts,
                  formats=formats)
    return Response(html, media_type=HTML)


def _view_context(request: Request) -> views.ViewContext:
    svc = service(request)
    return views.ViewContext(ExecutorStore(svc.executor),
                             stale_after_days=svc.settings.stale_after_days,
                             today=dt.date.today())


def _model_lineage(ctx: views.ViewContext, model: dict, root: str) -> dict:
    """The model page's diagram: its lineage view as SVG (or why there is none)."""
    try:
        lineage = views.lineage_view(ctx, model["id"])
    except ModelgraphError as exc:
        return {"diagram": None, "diagram_problem": str(exc)}
    return {"diagram": lineage_markup(lineage.data, root, model.get("label")),
            "lineage": lineage.data,
            "queries": lineage.queries}


def lineage_markup(data: dict, root: str, label: str | None = None) -> Markup | None:
    """The lineage diagram of a lineage view's data; links go to `root`/models/ID."""
    if not data["edges"]:
        return None
    labels: dict[str, str | None] = {}
    pending = [data["tree"]]
    while pending:  # the tree carries labels of nodes reached through other nodes
        node = pending.pop()
        labels.setdefault(node["id"], node.get("label"))
        pending.extend(node.get("children", []))
    for group in ("predecessors", "successors", "recommended_replacements", "replacement_for",
                  "snapshots", "snapshot_of", "variants"):
        for entry in data[group]:
            labels[entry["id"]] = entry["label"] or labels.get(entry["id"])
    labels[data["model"]] = label or data["tree"].get("label") or labels.get(data["model"])
    return Markup(lineage_svg(data["model"], data["edges"], labels,
                              lambda model_id: f"{root}/models/{quote(model_id, safe='')}"))


def _label(ctx: views.ViewContext, iri: str) -> str | None:
    rows = list(ctx.store.query(
        f"SELECT ?label WHERE {{ <{iri}> <{RDFS_LABEL}> ?label }} ORDER BY ?label LIMIT 1"))
    return rows[0]["label"].value if rows else None


def _source_index(ctx: views.ViewContext) -> dict[str, dict]:
    try:
        return ctx.sources()
    except ModelgraphError:
        return {}


def _distinct(queries: list[dict]) -> list[dict]:
    seen, out = set(), []
    for q in queries:
        if q["sparql"] not in seen:
            seen.add(q["sparql"])
            out.append(q)
    return out


class Citations:
    """Numbers sources in order of first citation; the page lists them at the end."""

    def __init__(self, known: dict[str, dict]) -> None:
        self.known = known
        self.order: list[str] = []

    def __call__(self, ids) -> list[tuple[int, str, dict | None]]:
        """(number, source id, source metadata) per distinct id, by number."""
        found = {}
        for sid in ids or []:
            if sid not in self.order:
                self.order.append(sid)
            found[sid] = (self.order.index(sid) + 1, sid, self.known.get(sid))
        return sorted(found.values(), key=lambda ref: ref[0])

    def cited(self) -> list[tuple[int, str, dict | None]]:
        return [(n, sid, self.known.get(sid)) for n, sid in enumerate(self.order, start=1)]


# -- templates -------------------------------------------------------------------------------


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(u=_u, here=_here, editor=_editor, entity_href=_entity_href, NAV=NAV,
                       is_iri=_is_iri)
    env.filters.update(num=_num, usd=_usd, compact=_compact, signed=_signed, local=_local,
                       tojson_pretty=_tojson_pretty, seg=_segment,
                       merged=_merged)
    return env


def _root(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


@jinja2.pass_context
def _u(context, path: str, **params) -> str:
    """A link inside this service (under its root path), with query parameters."""
    query = urlencode({k: v for k, v in params.items() if v is not None and v != ""},
                      doseq=True)
    return _root(context["request"]) + path + (f"?{query}" if query else "")


@jinja2.pass_context
def _here(context, **changes) -> str:
    """This page's URL (path and query) with some query parameters changed or removed."""
    return _with_query(context["request"], **changes)


def _with_query(request: Request, **changes) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None]
    path = _root(request) + request.url.path.removeprefix(_root(request))
    return path + (f"?{urlencode(params)}" if params else "")


@jinja2.pass_context
def _editor(context, query: dict) -> str:
    """The query page with this query in a new tab (YASGUI reads ?query= and ?tabTitle=)."""
    return _u(context, "/query", query=query["sparql"], tabTitle=query.get("title") or "")


@jinja2.pass_context
def _entity_href(context, iri) -> str | None:
    """A page of ours for an entity IRI (model, benchmark, source), else None."""
    if not isinstance(iri, str):
        return None
    for kind, path in (("model/", "/models/"), ("benchmark/", "/benchmarks/")):
        if iri.startswith(ID + kind):
            return _u(context, path + quote(iri[len(ID + kind):], safe=""))
    if iri.startswith(SOURCE):
        return _u(context, "/sources/" + quote(iri[len(SOURCE):], safe=""))
    return None


def _merged(values) -> list[dict]:
    """Cited values with equal values joined (one value stated for two offers, say)."""
    joined: dict = {}
    for v in values or []:
        key = (type(v["value"]).__name__, str(v["value"]))
        if key not in joined:
            joined[key] = dict(v, sources=list(v.get("sources") or []))
        else:
            entry = joined[key]
            entry["sources"] = sorted(set(entry["sources"]) | set(v.get("sources") or []))
            entry["stale"] = bool(entry.get("stale")) and bool(v.get("stale"))
    return list(joined.values())


def _segment(value) -> str:
    """One URL path segment (ids may hold '/', which must not start a new segment)."""
    return quote(str(value), safe="")


def _is_iri(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://")) \
        and " " not in value


def _num(value, digits: int = 2) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1000:
            return f"{int(value):,}"
        text = f"{value:,.{digits + 4}f}".rstrip("0").rstrip(".")
        whole, _, frac = text.partition(".")
        if abs(value) >= 1:  # large numbers: `digits` decimals are enough
            frac = frac[:digits]
        return whole + (f".{frac}" if frac else "")
    return str(value)


def _usd(value) -> str:
    """Dollars with at least cents: 0.4 -> $0.40, 0.125 -> $0.125, 5 -> $5.00."""
    if value is None:
        return "unknown"
    text = _num(float(value), 4)
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def _signed(value, digits: int = 2) -> str:
    if value is None:
        return "unknown"
    text = _num(abs(value), digits)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


def _compact(iri) -> str:
    if not isinstance(iri, str):
        return str(iri)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _local(iri: str) -> str:
    return views.local_name(iri) if isinstance(iri, str) else str(iri)


def _tojson_pretty(value) -> Markup:
    """JSON for a <script type="application/json"> block (no '</' can close the tag)."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
