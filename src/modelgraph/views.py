"""Helper views: named canned queries + bound parameters -> shaped, source-cited results.

No HTTP here. Every view returns a `ViewResult` whose `queries` lists the SPARQL it ran
(with parameters bound), so users can learn from it and adapt it, as with Datasette's
canned queries. Each fact carries the ids of the sources that state it; a fact whose
sources are all older than `stale_after_days` is marked stale; a number nobody states is
``None`` ("unknown"), never 0.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from . import queries
from .conflicts import REPRESENTATIVE_RULE, find_conflicts, representative_key, values_agree
from .derive import DERIVED_VERSION
from .errors import InputError, NotFound
from .identity import slugify
from .queries import entity_iri
from .vocab import MG, SOURCE, XSD

DEFAULT_STALE_AFTER_DAYS = 180
MODEL_SORTS = {  # `sort=name` ascending, `sort=-name` descending; unknowns always last
    "name": "label",
    "released": "released",
    "context": "context",
    "input_price": "inputPrice",
    "output_price": "outputPrice",
}


class GenerationCache:
    """What views read on every request but changes only with the store's generation (the
    source table): kept for the one generation it was read from, shared by a server's
    requests (thread-safe: each entry is replaced whole)."""

    def __init__(self) -> None:
        self._generation: str | None = None
        self._entries: dict = {}
        self._lock = threading.Lock()

    def get(self, generation: str | None, key):
        with self._lock:
            if generation is None or generation != self._generation:
                return None
            return self._entries.get(key)

    def put(self, generation: str | None, key, value) -> None:
        if generation is None:
            return
        with self._lock:
            if generation != self._generation:
                self._generation, self._entries = generation, {}
            self._entries[key] = value


@dataclass
class ViewContext:
    """What every view needs besides its parameters. `generation` (the store's live
    generation when the request started) and `shared` let views reuse what an earlier
    request read from that same generation; without them, everything is read anew."""

    store: Any
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    today: dt.date = field(default_factory=dt.date.today)
    generation: str | None = None
    shared: GenerationCache | None = None
    # Rows by query text, for callers that run several views over one generation (the
    # materialiser: a model's views share their offers and benchmark queries). Read-only.
    memo: dict | None = None
    _sources: dict | None = None
    _ages: dict | None = None
    _stale: dict = field(default_factory=dict)

    def sources(self) -> dict[str, dict]:
        if self._sources is None:
            self._sources = {s["id"]: s for s in _source_rows(self, _Runner(self).rows("sources"))}
        return self._sources

    def _source_ages(self) -> dict[str, dict]:
        """Each source's age and staleness (the full descriptions when already read); kept
        with the generation's rows for today's date (read-only: callers copy)."""
        if self._sources is not None:
            return self._sources
        if self._ages is None:
            key = ("source_ages", self.today, self.stale_after_days)
            ages = self.shared.get(self.generation, key) if self.shared is not None else None
            if ages is None:
                ages = {s["id"]: s for s in _source_rows(self, self.shared_rows("source_dates"))}
                if self.shared is not None:
                    self.shared.put(getattr(self.store, "generation", None), key, ages)
            self._ages = ages
        return self._ages

    def shared_rows(self, name: str) -> list[dict]:
        """A parameterless canned query's rows, read once per store generation."""
        if self.shared is not None:
            rows = self.shared.get(self.generation, name)
            if rows is not None:
                return rows
        rows = _Runner(self).rows(name)
        if self.shared is not None:  # kept for the generation that answered
            self.shared.put(getattr(self.store, "generation", None), name, rows)
        return rows

    def derived(self) -> bool:
        """Whether the store has a derived graph, written by this version of derive.py, that
        covers every source (it counts each source's triples); views that read derived
        relations otherwise compute them."""
        rows = self._source_ages().values()
        return bool(rows) and all(
            s["triples"] is not None and s["_derived_by"] == DERIVED_VERSION for s in rows)

    def cite(self, source_ids) -> dict:
        """`sources` plus `stale` when every source is older than the threshold."""
        ids = tuple(sorted(set(source_ids)))
        stale = self._stale.get(ids)
        if stale is None:  # views cite the same few sets of sources hundreds of times
            known = [self._source_ages().get(s) for s in ids]
            stale = self._stale[ids] = bool(known) and all(
                s is not None and s["stale"] for s in known)
        return {"sources": list(ids), "stale": stale}


@dataclass
class ViewResult:
    view: str
    title: str
    data: Any
    queries: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"view": self.view, "title": self.title, "data": self.data,
                "queries": self.queries}


class _Runner:
    """Runs canned queries for one view and remembers them for the response."""

    def __init__(self, ctx: ViewContext) -> None:
        self.ctx = ctx
        self.executed: list[dict] = []
        self._started: dict[tuple, tuple[str, Any]] = {}

    def start(self, *calls: tuple[str, dict]) -> None:
        """Start independent queries together where the store answers several at once
        (`store.concurrent`, a thread pool: the query workers); `rows` then takes each
        answer. Elsewhere they run one by one, when asked for."""
        pool = getattr(self.ctx.store, "concurrent", None)
        if pool is None:
            return
        for name, params in calls:
            text = queries.get(name).bind(params, inline=True)
            self._started[(name, _params_key(params))] = (text, pool.submit(self._fetch, text))

    def rows(self, name: str, *, limit: int | None = None, offset: int | None = None,
             **params) -> list[dict]:
        canned = queries.get(name)
        started = self._started.pop((name, _params_key(params)), None) \
            if limit is None and offset is None else None
        text = started[0] if started else canned.bind(params, limit=limit, offset=offset,
                                                      inline=True)
        self._record(canned, params, text)
        return started[1].result() if started else self._fetch(text)

    def plan(self, name: str, **params) -> None:
        """List a query as `rows` would, without running it: its answer is already known
        (materialised from the same query on the same generation)."""
        canned = queries.get(name)
        self._record(canned, params, canned.bind(params, inline=True))

    def _record(self, canned, params: dict, text: str) -> None:
        self.executed.append({
            "name": canned.name,
            "title": canned.title,
            "description": canned.description,
            "parameters": {k: _param_repr(v) for k, v in params.items() if v is not None},
            "sparql": text,
        })

    def _fetch(self, text: str) -> list[dict]:
        memo = self.ctx.memo
        if memo is not None and text in memo:
            return memo[text]
        solutions = self.ctx.store.query(text)
        names = [v.value for v in solutions.variables]
        rows = [dict(zip(names, row)) for row in solutions]  # twice as fast as row[name]
        if memo is not None:
            memo[text] = rows
        return rows


def _params_key(params: dict) -> tuple:
    return tuple(sorted((k, repr(_param_repr(v))) for k, v in params.items()))


def _param_repr(value):
    if isinstance(value, (list, tuple)):
        return [_param_repr(v) for v in value]
    return value.value if isinstance(value, NamedNode) else str(value)


# -- term helpers --------------------------------------------------------------------------

_INTEGER_TYPES = {XSD.integer.value, XSD.nonNegativeInteger.value, XSD.int.value, XSD.long.value}
_DECIMAL_TYPES = {XSD.decimal.value, XSD.double.value, XSD.float.value}
_BOOLEAN = XSD.boolean.value


def py(term) -> Any:
    """An RDF term as a plain JSON-friendly value (IRIs as strings, numbers as numbers)."""
    if term is None:
        return None
    if isinstance(term, (NamedNode, BlankNode)):
        return term.value
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype in _DECIMAL_TYPES:
            number = Decimal(term.value)
            # JSON has no NaN or infinity: such a double stays its lexical form ("INF")
            return float(number) if number.is_finite() else term.value
        if datatype == _BOOLEAN:
            return term.value == "true"
        return term.value
    return str(term)


def source_id(graph) -> str | None:
    if isinstance(graph, NamedNode) and graph.value.startswith(SOURCE):
        return graph.value[len(SOURCE):]
    return None


def short_id(iri: str) -> str:
    """`…/id/model/gpt-4o-mini` -> `gpt-4o-mini` (the id used in URLs)."""
    return iri.split("/id/", 1)[1].split("/", 1)[1] if "/id/" in iri else iri


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _cited_values(ctx: ViewContext, pairs) -> list[dict]:
    """[(term, graph)] -> [{value, sources, stale}] with one entry per distinct value (and
    its `language`, for a language-tagged string: "Odd model" in English and in French are
    two values)."""
    grouped: dict = {}
    for term, graph in pairs:
        if term is None:
            continue
        sid = source_id(graph)
        grouped.setdefault(term, set())
        if sid:
            grouped[term].add(sid)
    return [{"value": py(term), **_language(term), **ctx.cite(ids)}
            for term, ids in grouped.items()]


def _language(term) -> dict:
    return {"language": term.language} if isinstance(term, Literal) and term.language else {}


def model_iri(model_id: str) -> NamedNode:
    return entity_iri("model", model_id)


# -- sources -------------------------------------------------------------------------------


def _source_rows(ctx: ViewContext, rows: list[dict]) -> list[dict]:
    """Rows of `sources` (or `source_dates`: only what an age needs) as described sources."""
    out = []
    for row in rows:
        dates = {k: py(row[k]) for k in ("researched", "verified", "refreshed", "updated")}
        stated = [d for d in dates.values() if d]
        newest = max(stated, key=_date_key) if stated else None
        age = _age_days(newest, ctx.today)
        described = {  # source_dates reads only what an age needs
            "title": py(row.get("title")),
            "site": py(row.get("site")),
            "page_kind": py(row.get("pageKind")),
            "url": py(row.get("url")),
        }
        out.append({
            "id": source_id(row["source"]),
            "iri": row["source"].value,
            **described,
            **dates,
            "stated_date": newest,
            "age_days": age,
            "stale": is_stale(newest, ctx.today, ctx.stale_after_days),
            "seed_file": py(row.get("seedFile")),
            "extractor": py(row.get("extractor")),
            "triples": py(row["triples"]),
            "_derived_by": py(row["derivedBy"]),  # not shown: which derive.py counted
        })
    return out


def _age_days(newest: str | None, today: dt.date) -> int | None:
    return (today - _date_key(newest)).days if newest else None


def is_stale(newest: str | None, today: dt.date, stale_after_days: int) -> bool:
    """Whether a source whose newest stated date is `newest` is stale on `today`."""
    age = _age_days(newest, today)
    return age is None or age > stale_after_days


def source_newest_dates(ctx: ViewContext) -> dict[str, str | None]:
    """Each source's newest stated date: all that staleness is decided from."""
    return {sid: s["stated_date"] for sid, s in ctx._source_ages().items()}


def _date_key(value: str) -> dt.date:
    """A stated date of any precision as the last day it can mean (kind to its age)."""
    parts = [int(p) for p in str(value).split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        year, month = parts
        return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(parts[0], 12, 31)


def _counted_source_rows(ctx: ViewContext, runner: _Runner) -> list[dict]:
    """The sources with their triple counts: from the derived graph, else counted."""
    rows = [{k: v for k, v in row.items() if not k.startswith("_")}
            for row in _source_rows(ctx, runner.rows("sources"))]
    if rows and any(row["triples"] is None for row in rows):
        counts = {r["source"].value: py(r["triples"]) for r in runner.rows("source_counts")}
        for row in rows:
            row["triples"] = counts.get(row["iri"])
    return rows


def sources_view(ctx: ViewContext) -> ViewResult:
    runner = _Runner(ctx)
    rows = _counted_source_rows(ctx, runner)
    return ViewResult("sources", "Sources", rows, runner.executed)


def source_view(ctx: ViewContext, sid: str, limit: int = 500, offset: int = 0) -> ViewResult:
    runner = _Runner(ctx)
    match = [s for s in _counted_source_rows(ctx, runner) if s["id"] == sid]
    if not match:
        raise NotFound(f"no source {sid!r}", field="id")
    if not 1 <= limit <= 10_000 or offset < 0:
        raise InputError("limit must be 1..10000 and offset >= 0", field="limit")
    rows = runner.rows("source_triples", graph=NamedNode(SOURCE + sid), limit=limit,
                       offset=offset)
    triples = [
        {"subject": r["s"].value, "predicate": r["p"].value, "object": py(r["o"]),
         "object_is_iri": isinstance(r["o"], NamedNode)}
        for r in rows
    ]
    data = dict(match[0], triples_total=match[0]["triples"], offset=offset, limit=limit,
                triples_page=triples)
    return ViewResult("source", f"Source {sid}", data, runner.executed)


# -- models --------------------------------------------------------------------------------


def models_view(
    ctx: ViewContext,
    *,
    filters: dict | None = None,
    sort: str = "name",
    limit: int = 50,
    offset: int = 0,
) -> ViewResult:
    """One page of the models that pass `filters`, in `sort` order (unknowns last, ties by
    IRI), and how many pass in all."""
    if sort.lstrip("-") not in MODEL_SORTS:
        raise InputError(f"sort must be one of {sorted(MODEL_SORTS)} (prefix - to reverse)",
                         field="sort")
    if not 1 <= limit <= 1000 or offset < 0:
        raise InputError("limit must be 1..1000 and offset >= 0", field="limit")
    params = dict(filters or {})
    if params.get("q"):  # an API id ("gpt-4.1-nano") finds the model whose id it spells
        params["q_id"] = slugify(str(params["q"]))
    for key, kind in (("vendor", "vendor"), ("family", "family"), ("modality", "modality"),
                      ("capability", "capability")):
        if params.get(key) and not str(params[key]).startswith("http"):
            params[key] = entity_iri(kind, str(params[key]))
    runner = _Runner(ctx)
    key, descending = MODEL_SORTS[sort.lstrip("-")], sort.startswith("-")
    if ctx.derived():  # the database filters, orders and pages the summaries
        rows = runner.rows("models", limit=limit, offset=offset, sort=_SORT_PROPERTIES[key],
                           descending=int(descending), **params)
        total = next((py(r["total"]) for r in rows if r["total"] is not None), 0)
        page = _one_row_per_model(r for r in rows if r["model"] is not None)
    else:  # aggregate over every source, then order here the same way
        rows = _one_row_per_model(runner.rows("models_aggregated", **params))
        total = len(rows)
        page = _ordered(rows, key, descending)[offset:offset + limit]
    items = [
        {
            "id": short_id(r["model"].value),
            "iri": r["model"].value,
            "label": py(r["label"]) or short_id(r["model"].value),
            "vendor": py(r["vendorLabel"]) or (short_id(py(r["vendor"])) if r["vendor"] else None),
            "family": py(r["familyLabel"]),
            "released": py(r["released"]),
            "context_window": py(r["context"]),
            "cheapest_input_price": py(r["inputPrice"]),
            "cheapest_output_price": py(r["outputPrice"]),
        }
        for r in page
    ]
    data = {"total": total, "limit": limit, "offset": offset, "sort": sort, "items": items,
            "basis": dict(LISTING_BASIS)}
    return ViewResult("models", "Models", data, runner.executed)


# How the listing picks each model's one value where sources state several (its filters and
# sorts use the same values): in the view's JSON as `basis`.
LISTING_BASIS = {
    "released": f"of the release dates sources state: {REPRESENTATIVE_RULE}",
    "context_window": f"of the context windows sources state for the model: "
                      f"{REPRESENTATIVE_RULE}",
    "cheapest_input_price": "the lowest input price of any offer of the model itself (not of "
                            "its dated snapshots), free offers included",
    "cheapest_output_price": "the lowest output price of any offer of the model itself (not "
                             "of its dated snapshots), free offers included",
}


# The derived position in the listing each sort orders by (models.rq's ?sortProperty).
_SORT_PROPERTIES = {
    "label": MG.labelRank,
    "released": MG.releaseRank,
    "context": MG.contextRank,
    "inputPrice": MG.inputPriceRank,
    "outputPrice": MG.outputPriceRank,
}


def _one_row_per_model(rows) -> list[dict]:
    """Rows in order, one per model: a vendor or family stated twice, or with two labels,
    gives several rows; keep the first vendor/family in IRI order and its first label."""
    chosen: dict[str, dict] = {}
    for row in rows:
        kept = chosen.setdefault(row["model"].value, row)
        if kept is row:
            continue
        for entity, label in (("vendor", "vendorLabel"), ("family", "familyLabel")):
            if _earlier(row, kept, entity, label):
                kept[entity], kept[label] = row[entity], row[label]
    return list(chosen.values())


def _earlier(row: dict, kept: dict, entity: str, label: str) -> bool:
    if row[entity] is None:
        return False
    if kept[entity] is None or row[entity].value < kept[entity].value:
        return True
    return row[entity] == kept[entity] and row[label] is not None and (
        kept[label] is None or row[label].value < kept[label].value)


def _ordered(rows: list[dict], key: str, descending: bool) -> list[dict]:
    """As the derived ranks order (derive.py): known values first (strings
    case-insensitively, numbers by value, ties by IRI), all reversed if descending; unknowns
    after them, by IRI."""
    by_iri = sorted(rows, key=lambda r: r["model"].value)
    present = [r for r in by_iri if r[key] is not None]
    present.sort(key=lambda r: (_sort_key(py(r[key])), r["model"].value), reverse=descending)
    return present + [r for r in by_iri if r[key] is None]


def _sort_key(value):
    return (0, value.casefold()) if isinstance(value, str) else (1, value)


def model_view(ctx: ViewContext, model_id: str) -> ViewResult:
    """Everything known about a model: each property's values with their sources; conflicts
    marked; offers, benchmark results and lifecycle events alongside."""
    iri = model_iri(model_id)
    runner = _Runner(ctx)
    runner.start(("model_facts", {"model": iri}), ("offers", {"models": [iri]}),
                 ("benchmark_results", {"models": [iri]}))
    rows = runner.rows("model_facts", model=iri)
    if not rows:
        raise NotFound(f"no model {model_id!r} in the graph", field="id")
    by_property: dict[str, dict] = defaultdict(dict)
    labels: dict = {}
    for row in rows:
        by_property[row["p"].value].setdefault(row["o"], set())
        sid = source_id(row["g"])
        if sid:
            by_property[row["p"].value][row["o"]].add(sid)
        if row["oLabel"] is not None:  # several labels: the first in code-point order
            label = py(row["oLabel"])
            labels[row["o"]] = min(label, labels.get(row["o"], label))
    functional = {r["property"].value for r in ctx.shared_rows("functional_properties")}
    conflicted = {prop for prop in functional.intersection(by_property)
                  if _disagree(prop, by_property[prop])}
    facts = []
    for prop in sorted(by_property):
        values = [
            {"value": py(term), **_language(term),
             **({"label": labels[term]} if term in labels else {}),
             **ctx.cite(ids)}
            for term, ids in by_property[prop].items()
        ]
        values.sort(key=lambda v: str(v["value"]))
        facts.append({"property": prop, "name": local_name(prop), "values": values,
                      "conflict": prop in conflicted})
    label_values = next((f["values"] for f in facts if f["name"] == "label"), [])
    data = {
        "id": model_id,
        "iri": iri.value,
        "label": label_values[0]["value"] if label_values else model_id,
        "facts": facts,
        "conflicts": sorted(local_name(p) for p in conflicted),
        "offers": _ladders(ctx, runner, [iri])[iri.value],
        "benchmarks": _benchmark_rows(ctx, runner, models=[iri]),
    }
    return ViewResult("model", f"Model {data['label']}", data, runner.executed)


def _disagree(prop: str, stated: dict) -> bool:
    """Whether values of a functional property (term -> its sources) conflict: as
    conflicts.find_conflicts judges them (rounding is no conflict), from rows already read."""
    values = sorted({(t.value, t.datatype.value if isinstance(t, Literal) else None)
                     for t in stated})
    return any(not values_agree(prop, a, a_type, b, b_type)
               for i, (a, a_type) in enumerate(values) for b, b_type in values[i + 1:])


# -- offers --------------------------------------------------------------------------------

_OFFER_FIELDS = {
    "inputPrice": "input_price",
    "outputPrice": "output_price",
    "cachedInputPrice": "cached_input_price",
    "cacheWritePrice": "cache_write_price",
    "batchDiscount": "batch_discount_percent",
    "contextWindow": "context_window",
    "maxOutputTokens": "max_output_tokens",
    "availability": "availability",
}


def offers_view(ctx: ViewContext, model_id: str) -> ViewResult:
    iri = model_iri(model_id)
    runner = _Runner(ctx)
    ladder = _ladders(ctx, runner, [iri])[iri.value]
    if not ladder:
        _require_model(ctx, iri, model_id)
    return ViewResult("offers", f"Price ladder for {model_id}", {"model": model_id,
                                                               "offers": ladder},
                      runner.executed)


def _ladders(ctx: ViewContext, runner: _Runner, models: list[NamedNode]) -> dict[str, list]:
    """Each model's offers (its snapshots' included), cheapest first, from one query: a row
    per offer and host, and a row per figure an offer states with its source."""
    hosts: dict[tuple[str, str], tuple] = {}
    pairs: dict[tuple[str, str], list] = defaultdict(list)
    for row in runner.rows("offers", models=models):
        offer = row["offer"].value
        if row["model"] is None:  # a figure
            pairs[(offer, local_name(row["property"].value))].append((row["value"], row["g"]))
            continue
        # an offer stated with two hosts (or two labels, kinds…): the first in code-point order
        host = (row["value"].value, py(row["hostLabel"]) or "", row["offeredModel"].value,
                py(row["hostKind"]) or "", py(row["endpoint"]) or "")
        key = (row["model"].value, offer)
        if key not in hosts or host < hosts[key]:
            hosts[key] = host
    ladders: dict[str, list] = {m.value: [] for m in models}
    for (model, iri), (host, host_label, offered, kind, endpoint) in hosts.items():
        offer = {
            "iri": iri,
            "host": short_id(host),
            "host_label": host_label or None,
            "host_kind": kind or None,
            "model": short_id(offered),
            "endpoint": endpoint or None,
        }
        for prop, name in _OFFER_FIELDS.items():
            values = _cited_values(ctx, pairs.get((iri, prop), []))
            offer[name] = sorted(values, key=lambda v: str(v["value"])) or None
        ladders[model].append(offer)
    for ladder in ladders.values():
        ladder.sort(key=lambda o: (_cheapest(o["input_price"]), _cheapest(o["output_price"]),
                                   o["host"], o["iri"]))
    return ladders


def _cheapest(values) -> float:
    numbers = [v["value"] for v in values or [] if isinstance(v["value"], (int, float))]
    return min(numbers) if numbers else float("inf")


def model_jsonld_view(ctx: ViewContext, model_id: str, context_url: str | None = None) -> dict:
    """The model as a framed JSON-LD document (exports.model_document); an unknown model is
    NotFound, as on the model view."""
    from .exports import model_document

    iri = model_iri(model_id)
    document = model_document(ctx.store, iri, context_url)
    if not document:
        _require_model(ctx, iri, model_id)
    return document


def _require_model(ctx: ViewContext, iri: NamedNode, model_id: str) -> None:
    if not bool(ctx.store.query(f"ASK {{ {iri} ?p ?o }}")):
        raise NotFound(f"no model {model_id!r} in the graph", field="id")


# -- benchmarks ----------------------------------------------------------------------------


def _benchmark_rows(ctx: ViewContext, runner: _Runner, **params) -> list[dict]:
    grouped: dict[str, dict] = {}
    pairs = defaultdict(list)
    for row in runner.rows("benchmark_results", **params):
        key = row["result"].value
        grouped.setdefault(key, {
            "result": key,
            "model": short_id(row["model"].value),
            "model_label": py(row["modelLabel"]),
            "benchmark": short_id(row["benchmark"].value),
            "benchmark_label": py(row["benchmarkLabel"]),
            "unit": py(row["unit"]),
            "version": py(row["version"]),
            "date": py(row["date"]),
            "reported_by": py(row["reportedBy"]),
        })
        pairs[key].append((row["score"], row["g"]))
    for key, item in grouped.items():
        item["score"] = _cited_values(ctx, pairs[key])
    return sorted(grouped.values(), key=lambda r: (r["benchmark"], r["model"], r["result"]))


def benchmarks_view(ctx: ViewContext) -> ViewResult:
    runner = _Runner(ctx)
    items = [
        {"id": short_id(r["benchmark"].value), "iri": r["benchmark"].value,
         "label": py(r["label"]), "url": py(r["url"]), "models": py(r["models"])}
        for r in runner.rows("benchmarks")
    ]
    return ViewResult("benchmarks", "Benchmarks", items, runner.executed)


def _require_benchmark(ctx: ViewContext, iri: NamedNode, benchmark_id: str,
                       field: str = "id") -> None:
    if not bool(ctx.store.query(f"ASK {{ {iri} ?p ?o }}")):
        raise NotFound(f"no benchmark {benchmark_id!r} in the graph", field=field)


def benchmark_view(ctx: ViewContext, benchmark_id: str) -> ViewResult:
    iri = entity_iri("benchmark", benchmark_id)
    runner = _Runner(ctx)
    results = _benchmark_rows(ctx, runner, benchmark=iri)
    if not results:
        _require_benchmark(ctx, iri, benchmark_id)
    return ViewResult("benchmark", f"Benchmark {benchmark_id}",
                      {"benchmark": benchmark_id, "results": results}, runner.executed)


# -- lineage -------------------------------------------------------------------------------


def lineage_view(ctx: ViewContext, model_id: str) -> ViewResult:
    """Family, transitive predecessors/successors, replacements, snapshots, variants; plus a
    tree (root -> relation -> node -> …) built from the direct edges among them."""
    iri = model_iri(model_id)
    runner = _Runner(ctx)
    rows = runner.rows("lineage" if ctx.derived() else "lineage_paths", model=iri)
    if not rows:
        _require_model(ctx, iri, model_id)
    relatives: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (py(row["relation"]), row["other"].value)
        entry = relatives.setdefault(key, {
            "relation": key[0], "id": short_id(key[1]), "iri": key[1],
            "label": py(row["otherLabel"]), "released": py(row["released"]), "_sources": set()})
        sid = source_id(row["g"])
        if sid:
            entry["_sources"].add(sid)
    groups: dict[str, list] = defaultdict(list)
    for entry in relatives.values():
        sources = entry.pop("_sources")
        entry.update(ctx.cite(sources), direct=bool(sources))
        groups[entry["relation"]].append(entry)
    for items in groups.values():
        items.sort(key=lambda e: (str(e["released"] or "9999"), e["id"]))
    nodes = {iri.value} | {key[1] for key in relatives if key[0] != "family"}
    edges = []
    for row in runner.rows("lineage_edges", models=sorted(NamedNode(n) for n in nodes)):
        edges.append((row["from"].value, py(row["relation"]), row["to"].value,
                      source_id(row["g"])))
    data = {
        "model": model_id,
        "iri": iri.value,
        "family": groups.pop("family", []),
        "predecessors": groups.pop("predecessor", []),
        "successors": groups.pop("successor", []),
        "recommended_replacements": groups.pop("recommended replacement", []),
        "replacement_for": groups.pop("replacement for", []),
        "snapshots": groups.pop("snapshot", []),
        "snapshot_of": groups.pop("snapshot of", []),
        "variants": groups.pop("variant", []),
        "tree": _tree(iri.value, edges, relatives, ctx),
        "edges": _edge_list(edges, ctx),
    }
    return ViewResult("lineage", f"Lineage of {model_id}", data, runner.executed)


def _edge_list(edges, ctx: ViewContext) -> list[dict]:
    grouped: dict[tuple, set] = defaultdict(set)
    for start, relation, end, sid in edges:
        grouped[(start, relation, end)].add(sid)
    return [{"from": short_id(a), "relation": r, "to": short_id(b),
             **ctx.cite(s for s in sids if s)}
            for (a, r, b), sids in sorted(grouped.items())]


# Generations a lineage tree nests before it stops (`truncated`: the view's flat `edges` go
# on): each nests the document two levels deeper, and building it, encoding it as JSON and
# rendering it as HTML each recurse once per level, within Python's recursion limit (1000).
# A chain of 700 successors raised RecursionError (a 500, and a materialisation that died).
TREE_MAX_DEPTH = 200


def _tree(root: str, edges, relatives, ctx: ViewContext) -> dict:
    """root -> relation -> node -> …, each node once per path (a cycle stops at its start)."""
    labels = {key[1]: entry.get("label") for key, entry in relatives.items()}
    grouped: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    for start, relation, end, sid in edges:
        grouped[start][(relation, end)].add(sid)
    # each edge's relation and citation once, however many paths pass through it
    children = {start: [(end, {"relation": relation, **ctx.cite(s for s in sids if s)})
                        for (relation, end), sids in sorted(by_end.items())]
                for start, by_end in grouped.items()}
    path: set[str] = set()  # the nodes above the one being built (a chain can be long)

    def node(iri: str) -> dict:
        path.add(iri)
        below = [(end, edge) for end, edge in children.get(iri, ()) if end not in path]
        built = {"id": short_id(iri), "label": labels.get(iri), "children": []}
        if len(path) > TREE_MAX_DEPTH and below:
            built["truncated"] = True  # the rest of the chain is in the view's `edges`
        else:
            built["children"] = [{**edge, **node(end)} for end, edge in below]
        path.discard(iri)
        return built

    return node(root)


# -- timeline ------------------------------------------------------------------------------


def timeline_view(ctx: ViewContext, model_id: str) -> ViewResult:
    iri = model_iri(model_id)
    runner = _Runner(ctx)
    rows = runner.rows("timeline", model=iri)
    if not rows:
        _require_model(ctx, iri, model_id)
    grouped: dict[tuple, set] = defaultdict(set)
    details: dict[tuple, dict] = {}
    for row in rows:
        key = (py(row["date"]), py(row["kind"]), row["subject"].value, py(row["title"]))
        details.setdefault(key, {"subject_label": py(row["subjectLabel"]),
                                 "description": py(row["description"])})
        sid = source_id(row["g"])
        if sid:
            grouped[key].add(sid)
        else:
            grouped.setdefault(key, set())
    events = [
        {"date": date, "kind": kind, "model": short_id(subject), "title": title,
         **details[(date, kind, subject, title)], **ctx.cite(sids)}
        for (date, kind, subject, title), sids in grouped.items()
    ]
    events.sort(key=lambda e: (str(e["date"] or "9999"), e["kind"], e["model"]))
    return ViewResult("timeline", f"Timeline of {model_id}",
                      {"model": model_id, "events": events}, runner.executed)


# -- rankings ------------------------------------------------------------------------------


def rankings_view(ctx: ViewContext, benchmark_id: str | None = None) -> ViewResult:
    """Quality per dollar: score / cheapest output price, inputs shown. Without a benchmark,
    the benchmarks one can rank by."""
    if benchmark_id is None:
        listing = benchmarks_view(ctx)
        return ViewResult("rankings", "Rankings", {"benchmark": None,
                                                   "benchmarks": listing.data},
                          listing.queries)
    iri = entity_iri("benchmark", benchmark_id)
    runner = _Runner(ctx)
    ranked: dict[str, dict] = {}
    for row in runner.rows("rankings", benchmark=iri):
        model = row["model"].value
        entry = ranked.setdefault(model, {
            "model": short_id(model), "label": py(row["modelLabel"]),
            "score": py(row["score"]), "unit": py(row["unit"]),
            "cheapest_output_price": py(row["cheapestOutput"]),
            "quality_per_dollar": py(row["qualityPerDollar"]),
            "_score_sources": set(), "_price_sources": set(), "_hosts": set()})
        if py(row["qualityPerDollar"]) > entry["quality_per_dollar"]:
            entry.update(score=py(row["score"]), quality_per_dollar=py(row["qualityPerDollar"]))
        entry["_score_sources"].add(source_id(row["scoreSource"]))
        entry["_price_sources"].add(source_id(row["priceSource"]))
        entry["_hosts"].add(py(row["hostLabel"]) or short_id(row["host"].value))
    if not ranked:
        _require_benchmark(ctx, iri, benchmark_id, field="benchmark")
    items = []
    for entry in ranked.values():
        entry["score_sources"] = ctx.cite(s for s in entry.pop("_score_sources") if s)
        entry["price_sources"] = ctx.cite(s for s in entry.pop("_price_sources") if s)
        entry["cheapest_hosts"] = sorted(entry.pop("_hosts"))
        items.append(entry)
    items.sort(key=lambda e: -e["quality_per_dollar"])
    for rank, item in enumerate(items, start=1):
        item["rank"] = rank
    return ViewResult("rankings", f"Quality per dollar on {benchmark_id}",
                      {"benchmark": benchmark_id, "formula": "score / cheapest output price",
                       "items": items}, runner.executed)


# -- conflicts -----------------------------------------------------------------------------


def conflicts_view(ctx: ViewContext, limit: int = 100, offset: int = 0) -> ViewResult:
    """One page of the conflicts (subject and property order) and how many there are."""
    from .conflicts import _CONFLICT_QUERY

    if not 1 <= limit <= 1000 or offset < 0:
        raise InputError("limit must be 1..1000 and offset >= 0", field="limit")
    runner = _Runner(ctx)
    if ctx.derived():  # the derived graph lists them: read one page, then its values
        rows = runner.rows("conflicts", limit=limit, offset=offset)
        total = next((py(r["total"]) for r in rows if r["total"] is not None), 0)
        pairs = [(r["subject"].value, r["property"].value) for r in rows
                 if r["subject"] is not None]
        subjects = [NamedNode(s) for s in dict.fromkeys(s for s, _ in pairs)]
        found = {(c.subject, c.property): c
                 for c in find_conflicts(ctx.store, subjects=subjects)}
        page = [found[pair] for pair in pairs if pair in found]
    else:  # compare every functional value in the graph, then page here
        everything = find_conflicts(ctx.store)
        total, page = len(everything), everything[offset:offset + limit]
    items = []
    for conflict in page:
        items.append({
            "subject": conflict.subject,
            "subject_id": short_id(conflict.subject),
            "property": conflict.property,
            "property_name": local_name(conflict.property),
            "values": [{"value": v.value, **ctx.cite(v.sources)} for v in conflict.values],
            "message": conflict.describe(),
        })
    runner.executed.append({
        "name": "conflict_values", "title": "Conflicting values",
        "description": "Functional properties (owl:FunctionalProperty in the ontology) with "
                       "more than one value across source graphs; values that differ only by "
                       "rounding are then dropped.",
        "parameters": {}, "sparql": _CONFLICT_QUERY})
    data = {"total": total, "limit": limit, "offset": offset, "items": items}
    return ViewResult("conflicts", "Conflicts", data, runner.executed)


# -- migration -----------------------------------------------------------------------------


def migration_view(ctx: ViewContext, model_id: str, to: str | None = None,
                   limit: int = 10) -> ViewResult:
    """Replacement candidates (stated replacements first, then successors, then newer models
    of the same family, then of the same vendor), each with deltas and their sources. With
    `to`, that one model: "requested", then whatever reasons the candidate search gives it."""
    iri = model_iri(model_id)
    runner = _Runner(ctx)
    found = _candidates(ctx, runner, iri)
    if to is not None:
        target = model_iri(to)
        stated = found.get(target.value)
        candidates = {target.value: _requested(ctx, stated and stated["reasons"])}
    else:
        candidates = found
    ordered = sorted(candidates.items(), key=lambda kv: (kv[1]["rank"], kv[0]))[:limit]
    profiles = _profiles(ctx, runner, [iri, *(NamedNode(c) for c, _ in ordered)])
    if not profiles[iri.value]["known"]:
        _require_model(ctx, iri, model_id)
    if to is not None and not profiles[target.value]["known"]:
        _require_model(ctx, target, to)
    return _migration_result(ctx, model_id, profiles[iri.value],
                             [(c, info, profiles[c]) for c, info in ordered], runner.executed)


def _candidates_query(ctx: ViewContext) -> str:
    return "migration_candidates" if ctx.derived() else "migration_candidates_paths"


def _candidates(ctx: ViewContext, runner: _Runner, iri: NamedNode) -> dict[str, dict]:
    """Every candidate of the model: its best rank and its reasons, each cited (as JSON)."""
    found: dict[str, dict] = {}
    for row in runner.rows(_candidates_query(ctx), model=iri):
        entry = found.setdefault(row["candidate"].value, {"reasons": {}, "rank": 99})
        entry["rank"] = min(entry["rank"], py(row["rank"]))
        reasons = entry["reasons"].setdefault((py(row["rank"]), py(row["reason"])), set())
        if source_id(row["g"]):
            reasons.add(source_id(row["g"]))
    return {candidate: {"rank": entry["rank"],
                        "reasons": [{"reason": reason, **ctx.cite(sids)}
                                    for (_, reason), sids in sorted(entry["reasons"].items())]}
            for candidate, entry in found.items()}


def _requested(ctx: ViewContext, stated: list[dict] | None) -> dict:
    """A candidate asked for by name: first because asked for, with the cited reasons the
    candidate search gives it (`stated`)."""
    return {"rank": 0, "reasons": [{"reason": "requested", **ctx.cite(())}, *(stated or [])]}


def migration_profile(ctx: ViewContext, model_id: str) -> dict:
    """What a migration compares for one model (as JSON: vendors a sorted list), kept for
    every model by modelgraph.materialized so that `migration_between` needs no query."""
    iri = model_iri(model_id)
    profile = _profiles(ctx, _Runner(ctx), [iri])[iri.value]
    if not profile["known"]:
        raise NotFound(f"no model {model_id!r} in the graph", field="id")
    return dict(profile, vendors=sorted(profile["vendors"]),
                candidates_query=_candidates_query(ctx))


def migration_candidates(ctx: ViewContext, model_id: str) -> dict[str, list[dict]]:
    """Each migration candidate of the model (IRI) with its cited reasons: kept apart from
    the profile by modelgraph.materialized, which reads one candidate's entry without
    parsing the others (a model can have hundreds)."""
    iri = model_iri(model_id)
    return {candidate: entry["reasons"]
            for candidate, entry in _candidates(ctx, _Runner(ctx), iri).items()}


def migration_between(ctx: ViewContext, model_id: str, to: str, mine: dict,
                      theirs: dict, stated: list[dict] | None) -> ViewResult:
    """`migration_view(ctx, model_id, to=to)` from the two models' `migration_profile`s and
    the reasons `migration_candidates` gives `to` (`stated`): the same document, listing
    the queries that answer it, without running them."""
    runner = _Runner(ctx)
    source, target = model_iri(model_id), model_iri(to)
    runner.plan(mine["candidates_query"], model=source)
    models = list(dict.fromkeys([source, target]))  # as _profiles asks
    for name in ("model_profile", "offers", "benchmark_results"):
        runner.plan(name, models=models)
    return _migration_result(ctx, model_id, mine, [(target.value, _requested(ctx, stated),
                                                    theirs)], runner.executed)


def _migration_result(ctx: ViewContext, model_id: str, mine: dict,
                      candidates: list[tuple[str, dict, dict]], executed: list) -> ViewResult:
    """The migration document: each candidate (IRI, why, profile) with its deltas."""
    items = []
    for candidate, info, theirs in candidates:
        items.append({
            "id": short_id(candidate),
            "iri": candidate,
            "label": theirs["label"],
            "reasons": info["reasons"],
            "deltas": _deltas(mine, theirs),
        })
    data = {"model": model_id, "label": mine["label"], "candidates": items,
            "representative": MIGRATION_REPRESENTATIVE}
    return ViewResult("migration", f"Migration from {model_id}", data, executed)


# How a delta's from_value and to_value are picked where sources state several values (all
# stay listed in `from` and `to`): in the view's JSON as `representative`.
MIGRATION_REPRESENTATIVE = (f"from_value and to_value: {REPRESENTATIVE_RULE}; "
                            "sources_disagree when values differ beyond rounding")


def _profiles(ctx: ViewContext, runner: _Runner, models: list[NamedNode]) -> dict[str, dict]:
    """What a migration compares, for each model, from three queries whatever their number."""
    models = list(dict.fromkeys(models))  # a migration to the model itself names it twice
    values: dict[str, dict[str, list]] = {m.value: defaultdict(list) for m in models}
    labels: dict[str, dict] = {m.value: {} for m in models}
    runner.start(("model_profile", {"models": models}), ("offers", {"models": models}),
                 ("benchmark_results", {"models": models}))
    for row in runner.rows("model_profile", models=models):
        values[row["model"].value][local_name(row["property"].value)].append(
            (row["value"], row["g"]))
        if row["valueLabel"] is not None:
            known = labels[row["model"].value]
            label = py(row["valueLabel"])
            known[row["value"].value] = min(label, known.get(row["value"].value, label))
    ladders = _ladders(ctx, runner, models)
    benchmarks: dict[str, dict] = {m.value: {} for m in models}
    for result in _benchmark_rows(ctx, runner, models=models):
        benchmarks[model_iri(result["model"]).value][result["benchmark"]] = result
    profiles = {}
    for model in models:
        mine = values[model.value]
        names = sorted(str(py(term)) for term, _ in mine.pop("label", []))
        profiles[model.value] = {
            "iri": model.value,
            "known": bool(names or mine or ladders[model.value] or benchmarks[model.value]),
            "label": names[0] if names else short_id(model.value),
            "vendors": {short_id(str(v["value"])) for v in _cited_values(ctx, mine["vendor"])},
            # in value order: which rows come first must not decide a delta's basis
            "values": {k: sorted(_cited_values(ctx, v), key=lambda c: str(c["value"]))
                       for k, v in mine.items()},
            "labels": labels[model.value],
            "offers": ladders[model.value],
            "benchmarks": benchmarks[model.value],
        }
    return profiles


def _representative(prop: str, values: list[dict]) -> tuple[Any, bool]:
    """One value to compute a delta from, and whether sources disagree about it.

    The representative is chosen by conflicts.REPRESENTATIVE_RULE (most sources, then most
    precise, then smallest), numbers before anything else; the disagreement is judged as
    conflicts.values_agree judges it (rounding is no disagreement) and flagged, never hidden:
    every value stays listed with its sources.
    """
    if not values:
        return None, False
    if len(values) == 1:  # the common case, and a view's inner loop
        return values[0]["value"], False
    numbers = [v for v in values if isinstance(v["value"], (int, float))
               and not isinstance(v["value"], bool)]
    typed = [(v, *_typed(v["value"])) for v in (numbers or values)]
    best = min(typed, key=lambda t: representative_key(t[1], t[2], len(t[0]["sources"])))
    iri = MG[prop].value if prop in MG.terms else prop
    disagree = any(not values_agree(iri, a_value, a_type, b_value, b_type)
                   for i, (_, a_value, a_type) in enumerate(typed)
                   for _, b_value, b_type in typed[i + 1:])
    return best[0]["value"], disagree


_DATE = re.compile(r"^-?\d{4,}(-\d{2}){0,2}$")
_DATE_TYPE_BY_PARTS = {1: XSD.gYear.value, 2: XSD.gYearMonth.value, 3: XSD.date.value}


def _typed(value) -> tuple[str, str | None]:
    """A view's plain value (see `py`) as (lexical form, datatype IRI) again, for the
    comparisons of modelgraph.conflicts."""
    if isinstance(value, bool):
        return ("true" if value else "false"), _BOOLEAN
    if isinstance(value, int):
        return str(value), XSD.integer.value
    if isinstance(value, float):
        return str(Decimal(repr(value))), XSD.decimal.value
    text = str(value)
    if _DATE.match(text):
        return text, _DATE_TYPE_BY_PARTS[text.lstrip("-").count("-") + 1]
    return text, None


def _numeric_delta(prop: str, before: list[dict] | None, after: list[dict] | None) -> dict:
    before, after = before or [], after or []
    a, a_conflict = _representative(prop, before)
    b, b_conflict = _representative(prop, after)
    delta: dict = {"from": before, "to": after, "from_value": a, "to_value": b}
    if a is None or b is None:
        delta.update(known=False, absolute=None, percent=None)
        return delta
    absolute = Decimal(str(b)) - Decimal(str(a))
    delta.update(
        known=True,
        absolute=float(absolute) if not isinstance(a, int) or not isinstance(b, int)
        else int(absolute),
        percent=round(float(absolute / Decimal(str(a)) * 100), 2) if a else None,
        sources_disagree=a_conflict or b_conflict,
    )
    return delta


def _price_values(offers: list[dict], field_name: str,
                  prop: str = "price") -> tuple[list[dict], dict | None]:
    """The offer whose stated price is cheapest (its representative value, see
    `_representative`), with all the values sources state for that offer, so that a
    disagreement stays visible. Zero is skipped: a free tier is not a list price."""
    best, best_value = None, None
    for offer in offers:
        values = [v for v in offer.get(field_name) or [] if v["value"]]
        value, _ = _representative(prop, values)
        if value is not None and (best_value is None or value < best_value):
            best, best_value = offer, value
    if best is None:
        return [], None
    return [v for v in best[field_name] if v["value"]], best


def _price_delta(mine: dict, theirs: dict, field_name: str) -> dict:
    """Compare like with like: on the vendor's own API when both models are offered there,
    else on the common host most sources cite, else cheapest paid offer against cheapest.
    Where a host offers a model under several routes (its alias and a dated snapshot), the
    models' own routes are preferred; the routes compared are named (`from_offer`, …)."""
    mine_id, their_id = short_id(mine["iri"]), short_id(theirs["iri"])
    same = _same_host_deltas(mine["offers"], theirs["offers"], field_name, their_id)

    def own_routes(d: dict) -> bool:  # neither side a dated snapshot's route
        return d["from_model"] == mine_id and d["to_model"] == their_id

    own = next((d for d in sorted(same, key=lambda d: not own_routes(d))
                if d["host"] in mine["vendors"]), None)
    cited = max(same, key=lambda d: (len({s for v in d["from"] + d["to"] for s in v["sources"]}),
                                     d["from_value"] != 0, own_routes(d), d["host"]),
                default=None)
    chosen = own or cited
    if chosen is not None:
        basis = "the vendor's own API" if chosen is own else "the same host on both sides"
        delta = dict(chosen, basis=basis, from_host=chosen["host"], to_host=chosen["host"])
        delta.pop("host")
    else:
        before, offer_a = _price_values(mine["offers"], field_name)
        after, offer_b = _price_values(theirs["offers"], field_name)
        delta = dict(_numeric_delta("price", before, after),
                     basis="cheapest paid offer on each side (no common host)",
                     from_host=offer_a["host"] if offer_a else None,
                     to_host=offer_b["host"] if offer_b else None,
                     **_routes(offer_a, offer_b))
    delta["same_host"] = same
    return delta


def _routes(offer_a: dict | None, offer_b: dict | None) -> dict:
    """Which offers a price delta compares: IRIs, endpoint ids (the host's model id) and the
    offered models (the model itself or one of its dated snapshots)."""
    return {f"{side}_{key}": offer[name] if offer else None
            for side, offer in (("from", offer_a), ("to", offer_b))
            for key, name in (("offer", "iri"), ("endpoint", "endpoint"), ("model", "model"))}


def _deltas(mine: dict, theirs: dict) -> dict:
    deltas: dict = {}
    for name in ("input_price", "output_price", "cached_input_price"):
        deltas[name] = _price_delta(mine, theirs, name)
    for name, prop in (("context_window", "contextWindow"),
                       ("max_output_tokens", "maxOutputTokens")):
        deltas[name] = _numeric_delta(prop, mine["values"].get(prop),
                                      theirs["values"].get(prop))
    for name, prop in (("input_modalities", "inputModality"),
                       ("output_modalities", "outputModality"),
                       ("capabilities", "capability")):
        deltas[name] = _set_delta(mine, theirs, prop)
    benchmarks = {}
    for bench in sorted(set(mine["benchmarks"]) & set(theirs["benchmarks"])):
        a, b = mine["benchmarks"][bench], theirs["benchmarks"][bench]
        if a["unit"] == b["unit"]:
            benchmarks[bench] = dict(_numeric_delta("score", a["score"], b["score"]),
                                     unit=a["unit"], label=a["benchmark_label"])
    deltas["benchmarks"] = benchmarks
    deltas["release_date"] = {"from": mine["values"].get("releaseDate", []),
                              "to": theirs["values"].get("releaseDate", [])}
    return deltas


def _same_host_deltas(mine: list[dict], theirs: list[dict], field_name: str,
                      their_id: str) -> list[dict]:
    """One delta per route of mine (an offer: a host offers the model under its alias and
    under a dated snapshot's id as two routes) on a host that offers the other model too,
    in ladder order, each naming the two offers compared. Each is compared with the other
    model's own route on that host, else with its snapshot's route, first by IRI, that
    states the figure."""
    by_host: dict[str, list[dict]] = defaultdict(list)
    for offer in theirs:
        if offer.get(field_name):
            by_host[offer["host"]].append(offer)
    out = []
    for offer in mine:
        others = by_host.get(offer["host"])
        if not others:
            continue
        other = min(others, key=lambda o: (o["model"] != their_id, o["iri"]))
        delta = _numeric_delta("price", offer.get(field_name), other.get(field_name))
        if delta["known"]:
            out.append(dict(delta, host=offer["host"], **_routes(offer, other)))
    return out


def _set_delta(mine: dict, theirs: dict, prop: str) -> dict:
    """Modalities or capabilities gained and lost, judged source by source.

    A source's list is complete only for the model it describes: a value stated for one model
    is *lost* (or *gained*) when a source that lists the other model's values leaves it out,
    and only *not stated* for the other model when no source describes both (a seed page that
    mentions prompt caching says nothing about a model it does not describe).
    """
    a = {v["value"]: v for v in mine["values"].get(prop, [])}
    b = {v["value"]: v for v in theirs["values"].get(prop, [])}
    if not a or not b:
        return {"known": False, "from": sorted(map(short_id, a)), "to": sorted(map(short_id, b)),
                "gained": None, "lost": None, "not_stated": None}
    describe_a = {s for v in a.values() for s in v["sources"]}
    describe_b = {s for v in b.values() for s in v["sources"]}
    changed: dict[str, list] = {"gained": [], "lost": [], "not_stated": []}
    for items, side, other_side, witnesses, kind in (
            (set(b) - set(a), b, "to", describe_a, "gained"),
            (set(a) - set(b), a, "from", describe_b, "lost")):
        for key in sorted(items):
            entry = {"id": short_id(key), "sources": side[key]["sources"],
                     "stale": side[key]["stale"]}
            if witnesses.intersection(entry["sources"]):
                changed[kind].append(entry)
            else:
                changed["not_stated"].append(dict(entry, stated_for=other_side))
    return {"known": True, "from": sorted(map(short_id, a)), "to": sorted(map(short_id, b)),
            **changed}


__all__ = [
    "DEFAULT_STALE_AFTER_DAYS",
    "GenerationCache",
    "ViewContext",
    "ViewResult",
    "benchmark_view",
    "benchmarks_view",
    "conflicts_view",
    "lineage_view",
    "migration_view",
    "model_view",
    "models_view",
    "offers_view",
    "rankings_view",
    "source_view",
    "sources_view",
    "timeline_view",
]

