"""SPARQL 1.1 Protocol: HTTP request -> typed request -> evaluation -> negotiated response.

`parse_request` is pure (method, parameters, content type, body in; a `QueryRequest`,
an `UpdateRequest` or None for "describe the service" out) and rejects every ambiguous or
malformed request with a 4xx naming the problem. `answer_query` checks the query against
the safety policy, negotiates the format and runs it on the executor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import Response
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..execution import GRAPH, RESULTS, NotAcceptable, QueryExecutor, QueryJob, check_query
from .errors import UnsupportedMediaType
from .negotiation import Choice, negotiate, offers

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
POST_TYPES = (FORM, SPARQL_QUERY, SPARQL_UPDATE)


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()

    @property
    def has_protocol_dataset(self) -> bool:
        return bool(self.default_graph_uris or self.named_graph_uris)


@dataclass(frozen=True)
class UpdateRequest:
    update: str
    using_graph_uris: tuple[str, ...] = ()
    using_named_graph_uris: tuple[str, ...] = ()


def media_type_of(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def parse_request(
    method: str,
    url_params: list[tuple[str, str]],
    content_type: str | None,
    body: bytes,
) -> QueryRequest | UpdateRequest | None:
    params = list(url_params)
    body_text: str | None = None
    if method == "POST":
        media_type = media_type_of(content_type)
        if media_type not in POST_TYPES:
            raise UnsupportedMediaType(
                f"cannot read a POST body of type {media_type or '(none)'!r}; "
                f"send one of: {', '.join(POST_TYPES)}",
                field="Content-Type",
            )
        if media_type == FORM:
            params += _form_params(body)
        else:
            body_text = _decode(body, "request body")
            kind = "query" if media_type == SPARQL_QUERY else "update"
            if _values(params, "query") or _values(params, "update"):
                raise InputError(
                    f"the body is the {kind}, so the URL must not carry query= or update= too",
                    field=kind,
                )
            params.append((kind, body_text))
    queries, updates = _values(params, "query"), _values(params, "update")
    if len(queries) > 1 or len(updates) > 1:
        name = "query" if len(queries) > 1 else "update"
        raise InputError(f"the request carries more than one {name!r} parameter", field=name)
    if queries and updates:
        raise InputError("a request carries either a query or an update, not both", field="update")
    if updates:
        if method != "POST":
            raise InputError("a SPARQL Update must be sent with POST", field="update")
        return UpdateRequest(
            _non_empty(updates[0], "update"),
            _iris(params, "using-graph-uri"),
            _iris(params, "using-named-graph-uri"),
        )
    if queries:
        return QueryRequest(
            _non_empty(queries[0], "query"),
            _iris(params, "default-graph-uri"),
            _iris(params, "named-graph-uri"),
        )
    if method == "POST":
        raise InputError("the POST carries no query (form field `query=`)", field="query")
    return None


def _form_params(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(body.decode("ascii"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise InputError(f"the form body is not valid URL-encoded UTF-8: {exc}") from None


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the {what} is not UTF-8 (byte {exc.start})") from None


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _non_empty(text: str, name: str) -> str:
    if not text.strip():
        raise InputError(f"the {name} is empty", field=name)
    return text


def _iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    iris = []
    for value in _values(params, name):
        try:
            iris.append(ox.NamedNode(value.strip()).value)
        except ValueError as exc:
            raise InputError(
                f"{name} {value!r} is not an absolute IRI: {exc}", field=name
            ) from None
    return tuple(dict.fromkeys(iris))


def endpoint_iri(scope) -> str | None:
    """The URL the client addressed (without its query string): the base IRI that relative
    IRIs in its query or update resolve against, as the protocol allows ("MAY be the
    service endpoint") and as Oxigraph's server does. A Host header that makes no IRI
    gives way to the server's own address."""
    host = next((v for k, v in scope["headers"] if k == b"host"), b"")
    server = scope.get("server")  # a list from some servers: the cache needs a tuple
    return _endpoint_iri(scope.get("scheme", "http"), host, server and tuple(server),
                         scope.get("root_path", ""), scope["path"])


@lru_cache(maxsize=64)  # on every query; clients address the server by a few names
def _endpoint_iri(scheme: str, host: bytes, server, root_path: str, path: str) -> str | None:
    server = server or ("localhost", None)
    own = server[0] if server[1] is None else f"{server[0]}:{server[1]}"
    for name in (host.decode("latin-1"), own):
        try:
            return ox.NamedNode(f"{scheme}://{name}{root_path}{path}").value
        except ValueError:
            continue
    return None


# -- evaluation -------------------------------------------------------------------------------


async def answer_query(
    request: QueryRequest,
    executor: QueryExecutor,
    *,
    accept: str | None,
    format_param: str | None,
    allow_service_calls: bool,
    base_iri: str | None = None,
    inline: bool = False,
) -> Response:
    shape = check_query(request.query, allow_service_calls=allow_service_calls)
    results = _negotiated(accept, RESULTS, format_param)
    graph = _negotiated(accept, GRAPH, format_param)
    if shape.form in ("SELECT", "ASK") and results is None:
        raise _not_acceptable(accept, RESULTS, format_param)
    if shape.form in ("CONSTRUCT", "DESCRIBE") and graph is None:
        raise _not_acceptable(accept, GRAPH, format_param)
    dataset = request.has_protocol_dataset
    job = QueryJob(
        request.query,
        results_format=results.format.oxigraph if results else None,
        graph_format=graph.format.oxigraph if graph else None,
        default_graphs=request.default_graph_uris if dataset else None,
        named_graphs=request.named_graph_uris if dataset else None,
        use_query_dataset=shape.has_dataset_clause,
        base_iri=base_iri,
        calls_out=shape.service_at is not None,
    )
    try:
        output = await run_job(executor, job, inline=inline)
    except NotAcceptable:  # the worker saw a result kind we had no format for
        raise _not_acceptable(accept, RESULTS if results is None else GRAPH,
                              format_param) from None
    choice = results if output.kind == RESULTS else graph
    return Response(
        output.body,
        media_type=choice.content_type,
        headers=_headers(output.generation),
    )


async def run_job(executor, job, *, inline: bool = False):
    """On the event loop when the executor can (worker pool), else in a thread (remote).
    `inline`: one client alone is asking; the pool may answer a known-cheap query itself."""
    run_async = getattr(executor, "run_async", None)
    if run_async is not None:
        return await run_async(job, inline=inline)
    return await run_in_threadpool(executor.run, job)


def _not_acceptable(accept: str | None, kind: str, format_param: str | None) -> NotAcceptable:
    """The error negotiation gives (made afresh: an exception object must not be raised
    twice, so the cache below keeps only successes)."""
    try:
        negotiate(accept, offers(kind), format_param)
    except NotAcceptable as exc:
        return exc
    raise AssertionError(f"{kind} negotiation failed once and then succeeded")


@lru_cache(maxsize=256)  # clients send the same few Accept headers over and over
def _negotiated(accept: str | None, kind: str, format_param: str | None) -> Choice | None:
    try:
        return negotiate(accept, offers(kind), format_param)
    except NotAcceptable:
        return None


def _headers(generation: str | None) -> dict[str, str]:
    headers = {"Vary": "Accept"}
    if generation:
        headers["X-Modelgraph-Generation"] = generation
    return headers
