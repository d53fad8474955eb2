"""A store on a SPARQL 1.1 server: Oxigraph server, Jena Fuseki, Virtuoso, GraphDB, QLever.

Reads go through the SPARQL 1.1 Protocol (URL-encoded POST, so long dataset lists fit);
writes through the Graph Store Protocol (PUT / DELETE of one graph), with SPARQL Update as
the fallback for servers without it. docs/remote-stores.md says how to point it at each server.

The union default graph, which modelgraph's queries expect, is obtained in one of three
ways (`union_default_graph=`):

* ``"oxigraph"``: Oxigraph server's own ``union-default-graph`` request parameter;
* ``"native"``: the server's default graph already is the union (Virtuoso, GraphDB, QLever,
  Fuseki with ``tdb2:unionDefaultGraph``), so nothing is sent;
* ``"graphs"``: every modelgraph graph is sent as a ``default-graph-uri`` (and as a
  ``named-graph-uri``, so that ``GRAPH ?g`` still sees them): works on any SPARQL 1.1
  server, but the server then scans graph by graph (on Oxigraph server, a join over 1,000
  source graphs took 4 s this way against 20 ms with the parameter).

``"auto"`` (the default) asks the server once: Oxigraph announces itself in its ``Server``
header; otherwise a triple read from a named graph is looked up in the default graph.

Only graphs whose IRI starts with `graph_prefix` (modelgraph's namespace by default) are
modelgraph's: they are the ones listed, counted, dumped and replaced, so that a server
shared with other applications keeps their data.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Self
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from ..errors import InputError, QuerySyntaxError, StoreChanged, StoreError
from ..vocab import BASE, PREFIXES
from . import sparql_text
from .base import QueryResult, quads_in_graph, require_named_graph, serialize_quads

log = logging.getLogger("modelgraph.store")

UNION_MODES = ("auto", "oxigraph", "native", "graphs")

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_UPDATE_BYTES = 32 * 1024 * 1024
# A graph that never exists: the default graph of a query over "all modelgraph graphs"
# when there are none (sending no default-graph-uri would mean "the server's default").
NO_GRAPH = BASE + "no-graph"

_ACCEPT_TABLES = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8"
)
_ACCEPT_GRAPHS = (
    "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, text/plain;q=0.5"
)
# asked by query form: given both, some servers (Virtuoso) answer a CONSTRUCT with a table
_ACCEPT = {"SELECT": _ACCEPT_TABLES, "ASK": _ACCEPT_TABLES,
           "CONSTRUCT": _ACCEPT_GRAPHS, "DESCRIBE": _ACCEPT_GRAPHS}
_GSP_MISSING = {404, 405, 501}
_REFUSED_TOO_BIG = {400, 413, 500}
_POSITION = re.compile(r"error at (\d+):(\d+)|line (\d+), column (\d+)", re.IGNORECASE)
_MAX_MESSAGE = 1500

ENV_PREFIX = "MODELGRAPH_STORE_"
_TIMEOUT_UNITS = {"{s}": 1.0, "{ms}": 1000.0}


class StoreTimeout(StoreError):
    """The triplestore did not answer within the time allowed (ours, or the server's own)."""


class RemoteStore:
    """A `Store` on a SPARQL server at `url` (the dataset's base URL).

    Endpoints default to Oxigraph server's layout under `url` (``/query``, ``/update``,
    ``/store``); give `query_url`, `update_url`, `gsp_url` for other servers, and
    ``gsp_url=""`` for a server without the Graph Store Protocol. `auth` is a
    ``(user, password)`` pair (HTTP Basic), a bearer token string, or any ``httpx.Auth``;
    credentials in the URL (``https://user:pw@host/``) are used too and never printed.
    `timeout_param` is the server's own per-query time limit parameter as a template:
    ``"timeout={s}"`` (whole seconds), ``"timeout={ms}"`` (milliseconds), with text around
    the placeholder if the server wants it (``"timeout={s}s"``); each query carries its time
    limit in it, so that the server stops the work too (Oxigraph server has no such
    parameter).
    """

    # What code written for the embedded store also reads: a server has no data directory
    # (so no local validation cache) and no generations (see `fingerprint` instead).
    data_dir = None
    generation = None

    def __init__(
        self,
        url: str,
        *,
        query_url: str | None = None,
        update_url: str | None = None,
        gsp_url: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        write_timeout_s: float | None = None,
        auth: tuple[str, str] | str | httpx.Auth | None = None,
        union_default_graph: str = "auto",
        graph_prefix: str = BASE,
        graph_cache_s: float = 5.0,
        max_update_bytes: int = DEFAULT_MAX_UPDATE_BYTES,
        timeout_param: str | None = None,
    ) -> None:
        if union_default_graph not in UNION_MODES:
            raise InputError(
                f"union_default_graph must be one of {', '.join(UNION_MODES)}, "
                f"not {union_default_graph!r}",
                field="union_default_graph",
            )
        base, url_auth = _parse_url(url, "url")
        self.url = str(base).rstrip("/")
        self.query_url = _endpoint(query_url, self.url + "/query", "query_url")
        self.update_url = _endpoint(update_url, self.url + "/update", "update_url")
        self.gsp_url = _endpoint(gsp_url, self.url + "/store", "gsp_url") if gsp_url != "" else None
        self.timeout_s = timeout_s
        self.write_timeout_s = write_timeout_s or 10 * timeout_s
        self.graph_prefix = graph_prefix
        self.graph_cache_s = graph_cache_s
        self.max_update_bytes = max_update_bytes
        self.timeout_param = _timeout_param(timeout_param)
        self._union_mode = union_default_graph
        self._local = threading.local()  # per-thread deadline of `time_limit`
        self._lock = threading.Lock()
        self._writers = threading.RLock()  # `exclusive()`: this process's writers take turns
        self._seen: str | None = None  # the fingerprint an exclusive block began with
        self._graphs: list[str] | None = None
        self._graphs_at = 0.0
        self._client = httpx.Client(
            auth=_auth(auth) or url_auth,
            timeout=httpx.Timeout(timeout_s),
            headers={"user-agent": "modelgraph"},
            follow_redirects=True,
        )

    @classmethod
    def from_env(cls, url: str, environ: Mapping[str, str] | None = None) -> RemoteStore:
        """A RemoteStore configured by ``MODELGRAPH_STORE_*`` variables (docs/remote-stores.md)."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name)
            return value if value not in (None, "") else None

        kwargs: dict = {}
        for name in ("query_url", "update_url", "gsp_url"):
            if (value := get(name.upper())) is not None:
                kwargs[name] = "" if value.lower() == "none" else value
        if (value := get("UNION")) is not None:
            kwargs["union_default_graph"] = value
        if (value := get("GRAPH_PREFIX")) is not None:
            kwargs["graph_prefix"] = value
        if (value := get("TIMEOUT_PARAM")) is not None:
            kwargs["timeout_param"] = value
        for name, least in (("timeout_s", 1e-3), ("write_timeout_s", 1e-3), ("graph_cache_s", 0),
                            ("max_update_bytes", 0)):
            if (value := get(name.upper())) is not None:
                number = _number(value, ENV_PREFIX + name.upper(), least)
                kwargs[name] = int(number) if name == "max_update_bytes" else number
        token, user = get("TOKEN"), get("USER")
        if token is not None:
            kwargs["auth"] = token
        elif user is not None:
            password = get("PASSWORD") or ""
            scheme = (get("AUTH") or "basic").lower()
            if scheme not in ("basic", "digest"):
                raise InputError(
                    f"{ENV_PREFIX}AUTH must be basic or digest, not {scheme!r}",
                    field=ENV_PREFIX + "AUTH",
                )
            kwargs["auth"] = (
                httpx.DigestAuth(user, password) if scheme == "digest" else (user, password)
            )
        return cls(url, **kwargs)

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        substitutions: dict | None = None,
        default_graph: list | None = None,
        named_graphs: list | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query on the server (see `Store.query`).

        Substitutions travel as a trailing VALUES clause (see `sparql_text`); the base IRI as
        a BASE declaration. With `union_default_graph=False` and no explicit dataset, the
        server's own default graph is queried (an empty one on "native" servers, whose own
        default graph is the union). A query with its own FROM / FROM NAMED gets the dataset
        it names, as in the embedded store (protocol parameters would override it).
        """
        text = sparql_text.with_values(sparql, substitutions or {})
        base = sparql_text.base_declaration(base_iri)
        if default_graph is None and named_graphs is None and \
                sparql_text.has_dataset_clause(sparql):
            params = []
        else:
            params = self._dataset(union_default_graph, default_graph, named_graphs)
        try:
            response = self._post_query(base + text, params, shift=len(base))
        except QuerySyntaxError as exc:
            from ..execution.prefixes import name_undeclared_prefix

            raise name_undeclared_prefix(exc, sparql) from None
        return self._of_the_form(self._results(response), sparql, response)

    def _of_the_form(self, result: QueryResult, sparql: str, response) -> QueryResult:
        """`result` if it is what the query's form asks for (solutions for SELECT, a
        boolean for ASK, triples for CONSTRUCT and DESCRIBE); else the server answered
        another query, or garbage that parses: a StoreError."""
        from ..execution.policy import scan  # the tokenizer the safety checks use

        form = scan(sparql).form
        expected = _ANSWER_KINDS.get(form)
        if expected is None or isinstance(result, expected):
            return result
        kind = _KIND_NAMES.get(type(result), type(result).__name__)
        del result  # dropped by the thread that made it (see `_results`)
        article = "an" if form[0] in "AEIOU" else "a"
        raise self._garbage(str(response.request.url),
                            f"{kind}, not the answer to {article} {form} query")

    def named_graphs(self) -> list[ox.NamedNode]:
        rows = self._select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()} }}"
        )
        graphs = sorted((row["g"] for row in rows if isinstance(row["g"], ox.NamedNode)),
                        key=lambda g: g.value)
        with self._lock:
            self._graphs, self._graphs_at = [g.value for g in graphs], time.monotonic()
        return graphs

    def graph_sizes(self) -> dict[str, int]:
        """How many triples each modelgraph graph holds, by graph IRI (one request)."""
        rows = self._select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE "
            f"{{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()} }} GROUP BY ?g"
        )
        try:
            sizes = {row["g"].value: int(row["n"].value) for row in rows
                     if isinstance(row["g"], ox.NamedNode)}
        except (TypeError, ValueError, AttributeError):
            raise self._garbage(self.query_url, "a count that is not a number") from None
        return dict(sorted(sizes.items()))

    def fingerprint(self) -> str:
        """A short digest of every modelgraph quad, computed by the server in one request.

        It changes whenever a quad is added, removed or moved to another graph, and does not
        depend on the order the server keeps them in: each quad is hashed (MD5 of its terms,
        literals with language and datatype) and the digits of the hashes are summed. Blank
        nodes count by position only (their labels mean nothing outside the server).
        """
        terms = ', " ", '.join(_term_text(v) for v in ("?g", "?s", "?p", "?o"))
        digits = f'REPLACE(MD5(CONCAT({terms})), "[a-f]", "")'
        rows = self._select(
            "SELECT (COUNT(*) AS ?n) (SUM(?h) AS ?sum) WHERE { "
            f"GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()} "
            f'BIND(COALESCE(xsd:integer(SUBSTR({digits}, 1, 10)), 0) AS ?h) }}',
            prefix="PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n",
        )
        try:
            count = int(rows[0]["n"].value)
            total = int(rows[0]["sum"].value) if count else 0
        except (IndexError, TypeError, ValueError, AttributeError):
            raise self._garbage(self.query_url, "a fingerprint that is not a number") from None
        return f"{count}-{total:x}"

    def quads(self, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
        if graph is not None:
            graph = require_named_graph(graph)
            rows = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
            return [ox.Quad(row["s"], row["p"], row["o"], graph) for row in rows]
        rows = self._select(
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()} }}"
        )
        return [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows]

    def count(self, graph: ox.NamedNode | None = None) -> int:
        if graph is not None:
            pattern = f"GRAPH {require_named_graph(graph)} {{ ?s ?p ?o }}"
        else:
            pattern = f"GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()}"
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        try:
            return int(rows[0]["n"].value)
        except (IndexError, TypeError, ValueError, AttributeError):
            raise self._garbage(self.query_url, "a count that is not a number") from None

    def dump(self, fmt: ox.RdfFormat, graph: ox.NamedNode | None = None) -> bytes:
        return serialize_quads(self.quads(graph), fmt, graph, prefixes=dict(PREFIXES))

    # -- writing -----------------------------------------------------------------------
    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        """Replace one graph: one GSP PUT, or one update request (DROP + INSERT DATA)."""
        graph = self._writable(graph)
        quads = list(quads_in_graph(graph, quads))
        if not quads:
            self.remove_graph(graph)
            return
        try:
            if self.gsp_url is not None:
                response = self._send(
                    "PUT",
                    self.gsp_url,
                    what=f"replacing graph {graph}",
                    params={"graph": graph.value},
                    content=sparql_text.ntriples(q.triple for q in quads),
                    headers={"content-type": "application/n-triples"},
                    timeout=self.write_timeout_s,
                )
                if response.status_code not in _GSP_MISSING:
                    self._check(response, f"replacing graph {graph}")
                    return
                self.gsp_url = None  # no Graph Store Protocol there: use SPARQL Update
            self._update(sparql_text.replace_graph_update(graph, quads), f"replacing graph {graph}")
        finally:
            self._forget_graphs()

    def remove_graph(self, graph: ox.NamedNode) -> None:
        graph = self._writable(graph)
        try:
            if self.gsp_url is not None:
                response = self._send(
                    "DELETE",
                    self.gsp_url,
                    what=f"removing graph {graph}",
                    params={"graph": graph.value},
                    timeout=self.write_timeout_s,
                )
                # 404 is also "no such graph": the update below is then a harmless no-op
                if response.status_code not in _GSP_MISSING:
                    self._check(response, f"removing graph {graph}")
                    return
            self._update(f"DROP SILENT GRAPH {graph}", f"removing graph {graph}")
        finally:
            self._forget_graphs()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """SPARQL has no locks. In this process, writers take turns; and a write in the
        block is refused (StoreChanged, nothing written) when the store's fingerprint is
        not the one the block began with: another process wrote since this writer read.
        A write landing between that check and this one (milliseconds) cannot be kept out:
        run one writing process at a time (docs/remote-stores.md)."""
        with self._writers:
            if self._seen is not None:  # nested
                yield
                return
            self._seen = self.fingerprint()
            try:
                yield
            finally:
                self._seen = None

    def _check_unchanged(self) -> None:
        if self._seen is not None and self.fingerprint() != self._seen:
            raise StoreChanged(
                "another writer changed the store while this write was prepared from it; "
                "nothing was written: run it again", source=self.url)

    def replace_graphs(self, graphs: Mapping[ox.NamedNode, Iterable[ox.Quad | ox.Triple]]) -> None:
        """Replace several graphs (an empty one is removed): one update request when it fits in
        `max_update_bytes` and the server takes it (atomic where a request is a transaction:
        Oxigraph, Fuseki/TDB2, GraphDB); otherwise graph by graph, each graph atomically but
        not the set. Every graph is checked before anything is sent."""
        named = {self._writable(g): list(quads_in_graph(g, q)) for g, q in graphs.items()}
        self._check_unchanged()
        try:
            self._write_in_one_request(list(named), [q for qs in named.values() for q in qs],
                                       f"replacing {len(named)} graph(s)", named)
        finally:
            self._forget_graphs()

    def _write_in_one_request(self, drop: list[ox.NamedNode], quads: list[ox.Quad],
                              what: str, by_graph: dict[ox.NamedNode, list[ox.Quad]],
                              stale: Iterable[ox.NamedNode] = ()) -> None:
        """Drop `drop` and insert `quads` in one update request; graph by graph when it is
        too big or refused as too big (`by_graph` then says what each graph must hold)."""
        update = sparql_text.replace_graphs_update(drop, quads)
        if len(update.encode()) <= self.max_update_bytes:
            try:
                if update:
                    self._update(update, what)
                return
            except StoreError as exc:
                # some servers cap one request (Virtuoso: "SQL text ... exceeded");
                # going graph by graph rewrites every graph, whatever the refusal left
                if getattr(exc, "http_status", None) not in _REFUSED_TOO_BIG:
                    raise
                log.warning("%s; writing graph by graph instead", exc)
        for graph, graph_quads in by_graph.items():
            self.replace_graph(graph, graph_quads)
        for graph in stale:
            self.remove_graph(graph)

    def replace_dataset(self, quads: Iterable[ox.Quad]) -> None:
        """Replace every modelgraph graph with `quads` (which must all be in named graphs).

        One update request (drop every old and new graph, insert the data) when it fits in
        `max_update_bytes`: atomic on servers that run a request in one transaction
        (Oxigraph, Fuseki/TDB2, GraphDB). Larger datasets go graph by graph, each graph
        replaced atomically but not the dataset as a whole.
        """
        quads = list(quads)
        graphs: dict[ox.NamedNode, None] = {}
        for quad in quads:
            if not isinstance(quad, ox.Quad) or isinstance(quad.graph_name, ox.DefaultGraph):
                raise InputError(
                    f"a remote store keeps modelgraph's data in named graphs only; got {quad}",
                    field="quads",
                )
            graphs[self._writable(quad.graph_name)] = None
        old = self.named_graphs()
        stale = [g for g in old if g not in graphs]
        by_graph: dict[ox.NamedNode, list[ox.Quad]] = {g: [] for g in graphs}
        for quad in quads:
            by_graph[quad.graph_name].append(quad)
        try:
            self._write_in_one_request([*old, *[g for g in graphs if g not in old]], quads,
                                       "replacing the dataset", by_graph, stale)
        finally:
            self._forget_graphs()

    def close(self) -> None:
        self._client.close()

    @contextmanager
    def time_limit(self, seconds: float) -> Iterator[None]:
        """Reads in this block (this thread only) share one time limit of `seconds` in all:
        each request waits at most what is left of it, and the server is told the same
        through `timeout_param`. Overrunning raises `StoreTimeout`. Writes keep
        `write_timeout_s`."""
        previous = getattr(self._local, "deadline", None)
        deadline = time.monotonic() + seconds
        self._local.deadline = deadline if previous is None else min(previous, deadline)
        try:
            yield
        finally:
            self._local.deadline = previous

    def _read_timeout(self) -> float:
        """What a read request may wait: the time left in `time_limit`, else `timeout_s`."""
        deadline = getattr(self._local, "deadline", None)
        if deadline is None:
            return self.timeout_s
        left = deadline - time.monotonic()
        if left <= 0:
            raise StoreTimeout("the time limit ran out before the triplestore was asked",
                               source=_shown(self.query_url))
        return left

    # -- the dataset of a query ----------------------------------------------------------
    def union_mode(self) -> str:
        """How the union default graph is obtained: "oxigraph", "native" or "graphs"."""
        if self._union_mode != "auto":
            return self._union_mode
        mode = self._detect_union_mode()
        if mode is not None:
            self._union_mode = mode
        return mode or "graphs"

    def _detect_union_mode(self) -> str | None:
        probe = (
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(!isBlank(?s) && !isBlank(?o)) {self._graph_filter()} }} LIMIT 1"
        )
        response = self._post_query(probe, [])
        if response.headers.get("server", "").lower().startswith("oxigraph"):
            return "oxigraph"
        result = self._results(response)
        if not isinstance(result, ox.QuerySolutions):
            raise self._garbage(self.query_url, "something other than a table of results")
        rows = list(result)
        if not rows:
            return None  # nothing stored yet: decide on a later query
        row = rows[0]
        ask = f"ASK {{ {row['s']} {row['p']} {row['o']} }}"
        return "native" if bool(self._results(self._post_query(ask, []))) else "graphs"

    def _dataset(self, union: bool, default_graph, named_graphs) -> list[tuple[str, str]]:
        if default_graph is not None:
            defaults = _graph_iris(default_graph, "default_graph")
            named = (_graph_iris(named_graphs, "named_graphs") if named_graphs is not None
                     else self._graph_list())
            return _dataset_params(defaults or [NO_GRAPH], named)
        if named_graphs is not None:
            named = _graph_iris(named_graphs, "named_graphs")
            defaults = self._graph_list() if union else []
            return _dataset_params(defaults or [NO_GRAPH], named)
        mode = self.union_mode()
        if not union:
            # a "native" server's own default graph is the union: ask for an empty one
            # (modelgraph never writes the default graph), with every graph still named
            return _dataset_params([NO_GRAPH], self._graph_list()) if mode == "native" else []
        if mode == "oxigraph":
            return [("union-default-graph", "")]
        if mode == "native":
            return []
        graphs = self._graph_list()
        return _dataset_params(graphs or [NO_GRAPH], graphs)

    def _graph_list(self) -> list[str]:
        with self._lock:
            if self._graphs is not None and time.monotonic() - self._graphs_at < self.graph_cache_s:
                return self._graphs
        return [g.value for g in self.named_graphs()]

    def _forget_graphs(self) -> None:
        with self._lock:
            self._graphs = None

    def _graph_filter(self) -> str:
        if not self.graph_prefix:
            return ""
        return f"FILTER(STRSTARTS(STR(?g), {ox.Literal(self.graph_prefix)}))"

    def _writable(self, graph) -> ox.NamedNode:
        graph = require_named_graph(graph)
        if not graph.value.startswith(self.graph_prefix):
            raise InputError(
                f"graph {graph} is outside this store's graphs (<{self.graph_prefix}…>); "
                "modelgraph does not write other applications' graphs",
                field="graph",
            )
        return graph

    # -- HTTP ------------------------------------------------------------------------------
    def _select(self, sparql: str, prefix: str = "") -> list[ox.QuerySolution]:
        result = self._results(self._post_query(prefix + sparql, []))
        if not isinstance(result, ox.QuerySolutions):
            raise self._garbage(self.query_url, "something other than a table of results")
        return list(result)

    def _post_query(self, sparql: str, params: list[tuple[str, str]], shift: int = 0):
        timeout = self._read_timeout()
        if self.timeout_param is not None:
            name, placeholder, template = self.timeout_param
            amount = timeout * _TIMEOUT_UNITS[placeholder]
            params = [*params, (name, template.replace(placeholder, f"{max(amount, 1):.0f}"))]
        response = self._send(
            "POST",
            self.query_url,
            what="a query",
            timeout=timeout,
            content=urlencode([("query", sparql), *params]).encode(),
            headers={"accept": _ACCEPT.get(sparql_text.query_form(sparql),
                                           f"{_ACCEPT_TABLES}, {_ACCEPT_GRAPHS}"),
                     "content-type": "application/x-www-form-urlencoded"},
        )
        self._check(response, "a query", syntax_shift=shift)
        return response

    def _update(self, update: str, what: str) -> None:
        response = self._send(
            "POST",
            self.update_url,
            what=what,
            content=update.encode(),
            headers={"content-type": "application/sparql-update"},
            timeout=self.write_timeout_s,
        )
        self._check(response, what)

    def _send(self, method: str, url: str, *, what: str, timeout: float | None = None, **kwargs):
        shown = _shown(url)
        try:
            return self._client.request(
                method, url, timeout=httpx.Timeout(timeout or self.timeout_s), **kwargs
            )
        except httpx.TimeoutException:
            raise StoreTimeout(
                f"the triplestore did not answer {what} within "
                f"{round(timeout or self.timeout_s, 2):g} s",  # (what was left of a limit)
                source=shown,
            ) from None
        except (httpx.HTTPError, OSError) as exc:
            reason = str(exc) or type(exc).__name__
            raise StoreError(
                f"cannot reach the triplestore for {what}: {reason}", source=shown
            ) from None

    def _check(self, response: httpx.Response, what: str, *, syntax_shift: int | None = None):
        if response.is_success:
            return
        shown = _shown(str(response.request.url))
        message = _server_message(response)
        status = response.status_code
        if status == 400 and syntax_shift is not None:
            line, column = _position(message, syntax_shift)
            raise QuerySyntaxError(
                f"SPARQL syntax error (reported by {shown}): {message}",
                source="query",
                line=line,
                column=column,
            )
        if status in (401, 403):
            raise StoreError(
                f"the triplestore refused {what} (HTTP {status}); "
                f"check the credentials: {message}",
                source=shown,
            )
        error = StoreError(
            f"the triplestore failed at {what} (HTTP {status}): {message}", source=shown
        )
        error.http_status = status
        raise error

    def _results(self, response: httpx.Response) -> QueryResult:
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        url = str(response.request.url)
        results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
        rdf_format = _rdf_format(media) if results_format is None else None
        try:
            if results_format is not None:
                result = ox.parse_query_results(response.content, format=results_format)
                if isinstance(result, ox.QuerySolutions):
                    for _ in result:  # the parser is lazy: find any garbage now, not later
                        pass
                    result = ox.parse_query_results(response.content, format=results_format)
                return result
            if rdf_format is not None:
                return _query_triples(ox.parse(response.content, format=rdf_format))
        except (SyntaxError, ValueError) as exc:
            # pyoxigraph results may only be dropped by the thread that made them, and the
            # error may be dropped by another (a web server's event loop): let go of it here
            result = None
            problem = str(exc)
        else:
            problem = None
        if problem is not None:
            raise self._garbage(url, f"an unreadable {media} document ({problem})")
        raise self._garbage(url, f"{media or 'an untyped document'}, not SPARQL results")

    @staticmethod
    def _garbage(url: str, what: str) -> StoreError:
        shown = _shown(url)
        return StoreError(f"the triplestore answered with {what}", source=shown)


# -- helpers ---------------------------------------------------------------------------------


def _parse_url(url: str, field: str) -> tuple[httpx.URL, httpx.Auth | None]:
    """`url` without its credentials, and those credentials as Basic auth."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InputError(f"not a store URL: {exc}", field=field) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InputError(
            f"a store URL must start with http:// or https:// and name a host: {_shown(url)!r}",
            field=field,
        )
    auth = None
    if parsed.username:
        auth = httpx.BasicAuth(parsed.username, parsed.password or "")
        parsed = parsed.copy_with(username=None, password=None)
    return parsed, auth


def _endpoint(given: str | None, default: str, field: str) -> str:
    if given is None:
        return default
    parsed, auth = _parse_url(given, field)
    if auth is not None:
        raise InputError("put credentials in `auth` or in the store URL, not in an endpoint URL",
                         field=field)
    return str(parsed)


def _shown(url: str) -> str:
    """`url` fit to print: no credentials, no query string."""
    try:
        parsed = httpx.URL(url)
        return str(parsed.copy_with(username=None, password=None, query=None, fragment=None))
    except (httpx.InvalidURL, TypeError):
        return "<invalid URL>"


def _auth(auth) -> httpx.Auth | None:
    if auth is None or isinstance(auth, httpx.Auth):
        return auth
    if isinstance(auth, tuple) and len(auth) == 2:
        return httpx.BasicAuth(*auth)
    if isinstance(auth, str):
        return _BearerAuth(auth)
    raise InputError("auth must be (user, password), a token, or an httpx.Auth", field="auth")


class _BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request):
        request.headers["authorization"] = self._header
        yield request


def _number(text: str, name: str, least: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= least:
        wanted = "a positive number" if least > 0 else "a number, 0 or more"
        raise InputError(f"{name} must be {wanted}, not {text!r}", field=name)
    return value


def _timeout_param(template: str | None) -> tuple[str, str, str] | None:
    """``"timeout={s}s"`` -> ("timeout", "{s}", "{s}s"): name, placeholder, value template."""
    if template is None:
        return None
    name, _, value = template.partition("=")
    found = [p for p in _TIMEOUT_UNITS if p in value]
    if not name or len(found) != 1 or value.count(found[0]) != 1:
        raise InputError(
            "a server timeout parameter is written NAME={s} or NAME={ms} (text around the "
            f"placeholder allowed, e.g. timeout={{s}}s), not {template!r}",
            field="timeout_param",
        )
    return name, found[0], value


def _term_text(var: str) -> str:
    """SPARQL for a term's identity as text: an IRI, a literal with language and datatype."""
    return (f'IF(isBlank({var}), "_:", IF(isLiteral({var}), CONCAT("\\"", STR({var}), '
            f'"\\"@", LANG({var}), "^^", STR(DATATYPE({var}))), STR({var})))')


def _graph_iris(graphs, field: str) -> list[str]:
    if isinstance(graphs, (ox.NamedNode, ox.BlankNode, ox.DefaultGraph)):
        graphs = [graphs]
    iris = []
    for graph in graphs:
        if not isinstance(graph, ox.NamedNode):
            raise InputError(
                f"a remote query's dataset can only name graphs by IRI, not {graph!r}", field=field
            )
        iris.append(graph.value)
    return iris


def _dataset_params(defaults: list[str], named: list[str]) -> list[tuple[str, str]]:
    return [("default-graph-uri", g) for g in defaults] + [("named-graph-uri", g) for g in named]


_RDF_MEDIA = {"text/plain": ox.RdfFormat.N_TRIPLES}


def _rdf_format(media: str) -> ox.RdfFormat | None:
    fmt = _RDF_MEDIA.get(media) or (ox.RdfFormat.from_media_type(media) if media else None)
    return fmt


# What each query form's answer is, and how an answer is named in an error
_ANSWER_KINDS = {"SELECT": ox.QuerySolutions, "ASK": ox.QueryBoolean,
                 "CONSTRUCT": ox.QueryTriples, "DESCRIBE": ox.QueryTriples}
_KIND_NAMES = {ox.QuerySolutions: "SELECT results", ox.QueryBoolean: "an ASK boolean",
               ox.QueryTriples: "RDF triples"}


def _query_triples(quads: Iterable[ox.Quad]) -> ox.QueryTriples:
    """Triples parsed from a CONSTRUCT answer, as the `QueryTriples` pyoxigraph would return."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _server_message(response: httpx.Response) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, LookupError):
        text = ""
    text = " ".join(text.split())
    if len(text) > _MAX_MESSAGE:
        text = text[:_MAX_MESSAGE] + " …"
    return text or response.reason_phrase or "no message"


def _position(message: str, shift: int) -> tuple[int | None, int | None]:
    """The line and column a server's syntax error names, in the caller's query text."""
    match = _POSITION.search(message)
    if not match:
        return None, None
    line = int(match.group(1) or match.group(3))
    column = int(match.group(2) or match.group(4))
    if line == 1 and shift:
        column = max(column - shift, 1)
    return line, column
