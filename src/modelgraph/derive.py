"""Derived relations: what the helper views would otherwise recompute on every request.

`derive(quads)` reads a whole dataset (every source graph) and returns the quads of the
derived graph (`DERIVED_GRAPH`, https://w3id.org/modelgraph/derived): facts *about* the
sources' facts, never a source's claim, so nothing there is cited, checked for conflicts or
validated. The build (pipeline.assemble) and every ingest or removal of a source recompute
it whole and write it together with the sources, so it always matches them. Terms (declared
in the ontology):

* lineage — ``m mg:transitiveSuccessor n`` for every n reached from m by following
  mg:successor (or mg:predecessor backwards) one or more times; ``m mg:lineageDepth d`` for
  every model on a successor chain: the longest run of successor steps leading to it
  (models on a cycle share one depth). A transitive property path with a union is slow in
  oxigraph (its planner joins the union with everything else first); this is an index scan.
* the model listing — for every mg:Model that is not an mg:ModelSnapshot: ``mg:listed
  true``, and where known ``mg:displayLabel`` (first label in code-point order),
  ``mg:representativeReleaseDate`` and ``mg:representativeContextWindow`` (the value that
  stands for what the source graphs state, by conflicts.REPRESENTATIVE_RULE: most sources,
  then most precise, then smallest), ``mg:cheapestInputPrice`` / ``mg:cheapestOutputPrice``
  (over offers whose mg:model is the model itself), each with its position in the listing
  sorted by it (``mg:labelRank``, …; ties by IRI); also ``mg:earliestReleaseDate``
  (smallest as written) and ``mg:largestContextWindow``, which the listing no longer shows.
  Filtering thousands of models then reads one graph instead of aggregating over every
  offer, and sorting them compares integers, not strings or IRIs.
* conflicts — ``s mg:conflictingProperty p`` for every subject whose sources disagree on the
  functional property p beyond rounding (conflicts.py's rules), so that /conflicts pages
  through them instead of comparing every functional value in the graph on each request;
* sources — ``<source graph> mg:tripleCount n``;
* itself — ``<derived graph> owl:versionInfo`` (`DERIVED_VERSION`).

One pass over the quads plus a breadth-first search per model on a chain; about 0.3 s per
million quads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import partial

import pyoxigraph as ox

from .conflicts import conflicts_among, representative_key
from .vocab import DERIVED, MG, OWL, RDF, RDFS, SOURCE, XSD

DERIVED_GRAPH = ox.NamedNode(DERIVED)
# What this module writes, as `<derived> owl:versionInfo`: bump it when that changes, so that
# views do not read a derived graph an older modelgraph wrote (they compute instead).
DERIVED_VERSION = "modelgraph-derived 4"

# Terms as constants: `MG.x` makes a new NamedNode on every use.
_TYPE, _LABEL = RDF.type, RDFS.label
_MODEL, _SNAPSHOT = MG.Model, MG.ModelSnapshot
_SUCCESSOR, _PREDECESSOR = MG.successor, MG.predecessor
_RELEASED, _CONTEXT = MG.releaseDate, MG.contextWindow
_OFFER_MODEL, _INPUT_PRICE, _OUTPUT_PRICE = MG.model, MG.inputPrice, MG.outputPrice
_TRANSITIVE_SUCCESSOR, _LINEAGE_DEPTH = MG.transitiveSuccessor, MG.lineageDepth
_LISTED, _DISPLAY_LABEL = MG.listed, MG.displayLabel
_EARLIEST_RELEASE, _LARGEST_CONTEXT = MG.earliestReleaseDate, MG.largestContextWindow
_SHOWN_RELEASE, _SHOWN_CONTEXT = MG.representativeReleaseDate, MG.representativeContextWindow
_CHEAPEST = {_INPUT_PRICE: MG.cheapestInputPrice, _OUTPUT_PRICE: MG.cheapestOutputPrice}
_TRIPLE_COUNT, _INTEGER = MG.tripleCount, XSD.integer
_FUNCTIONAL, _CONFLICTING_PROPERTY = OWL.FunctionalProperty, MG.conflictingProperty
# the listing's summaries it sorts by, and the position each gives (the others are stated only)
_RANK = {_DISPLAY_LABEL: MG.labelRank, _SHOWN_RELEASE: MG.releaseRank,
         _SHOWN_CONTEXT: MG.contextRank, MG.cheapestInputPrice: MG.inputPriceRank,
         MG.cheapestOutputPrice: MG.outputPriceRank}
_TRUE = ox.Literal("true", datatype=XSD.boolean)


class _Facts:
    """What one pass over the dataset keeps (IRIs as strings, values as terms)."""

    def __init__(self) -> None:
        self.later: dict[str, set[str]] = defaultdict(set)  # model -> direct successors
        self.models: set[str] = set()
        self.snapshots: set[str] = set()
        self.labels: dict[str, ox.Literal] = {}
        self.released: dict[str, ox.Literal] = {}
        self.context: dict[str, tuple[Decimal, ox.Literal]] = {}
        # model -> value -> the source graphs stating it (for the representative value)
        self.stated: dict[ox.NamedNode, dict[str, dict[ox.Literal, set]]] = {
            _RELEASED: defaultdict(lambda: defaultdict(set)),
            _CONTEXT: defaultdict(lambda: defaultdict(set))}
        self.model_of: dict[str, set[str]] = defaultdict(set)  # offer -> models
        self.prices: dict[ox.NamedNode, dict[str, list]] = {}  # price -> offer -> values
        self.triples: dict = defaultdict(int)  # graph name -> triples
        self.functional: set[ox.NamedNode] = set()  # owl:FunctionalProperty (the ontology)
        self.unique: dict[ox.Quad, None] = {}  # every quad once, for the conflict pass

    def read(self, quads: Iterable[ox.Quad]) -> None:
        handlers = {
            _SUCCESSOR: self._successor,
            _PREDECESSOR: self._predecessor,
            _TYPE: self._type,
            _LABEL: self._label,
            _RELEASED: self._released,
            _CONTEXT: self._context,
            _OFFER_MODEL: self._offer_model,
        }
        for price in (_INPUT_PRICE, _OUTPUT_PRICE):
            self.prices[price] = defaultdict(list)
            handlers[price] = partial(self._price, self.prices[price])
        triples = self.triples
        # A list may repeat a quad; a store holds it once (dict.fromkeys keeps the list's
        # order, which iterates twice as fast as a set). The derived graph's own terms have
        # no handler, so an old derived graph in `quads` changes nothing but its count.
        self.unique = dict.fromkeys(quads)
        for quad in self.unique:
            triples[quad.graph_name] += 1
            handler = handlers.get(quad.predicate)
            if handler is not None:
                subject = quad.subject
                if isinstance(subject, ox.NamedNode):
                    handler(subject.value, quad.object, quad.graph_name)

    def _successor(self, subject: str, obj, graph=None) -> None:
        if isinstance(obj, ox.NamedNode):
            self.later[subject].add(obj.value)

    def _predecessor(self, subject: str, obj, graph=None) -> None:
        if isinstance(obj, ox.NamedNode):
            self.later[obj.value].add(subject)

    def _type(self, subject: str, obj, graph=None) -> None:
        if obj == _MODEL:
            self.models.add(subject)
        elif obj == _SNAPSHOT:
            self.snapshots.add(subject)
        elif obj == _FUNCTIONAL:
            self.functional.add(ox.NamedNode(subject))

    def conflicts(self):
        """What conflicts.find_conflicts finds in a store holding these quads."""
        functional = self.functional
        return conflicts_among(
            (q.subject.value, q.predicate.value, q.object, q.graph_name)
            for q in self.unique
            if q.predicate in functional and isinstance(q.subject, ox.NamedNode))

    def _label(self, subject: str, obj, graph=None) -> None:
        if isinstance(obj, ox.Literal):
            known = self.labels.get(subject)
            if known is None or _label_key(obj) < _label_key(known):
                self.labels[subject] = obj

    def _released(self, subject: str, obj, graph=None) -> None:
        if isinstance(obj, ox.Literal):
            self._stated(_RELEASED, subject, obj, graph)
            known = self.released.get(subject)
            if known is None or obj.value < known.value:
                self.released[subject] = obj

    def _context(self, subject: str, obj, graph=None) -> None:
        number = _number(obj)
        if number is not None:
            self._stated(_CONTEXT, subject, obj, graph)
            known = self.context.get(subject)
            if known is None or number > known[0]:
                self.context[subject] = (number, obj)

    def _stated(self, predicate: ox.NamedNode, subject: str, obj: ox.Literal, graph) -> None:
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(SOURCE):
            self.stated[predicate][subject][obj].add(graph)

    def _offer_model(self, subject: str, obj, graph=None) -> None:
        if isinstance(obj, ox.NamedNode):
            self.model_of[subject].add(obj.value)

    @staticmethod
    def _price(by_offer: dict, subject: str, obj, graph=None) -> None:
        number = _number(obj)
        if number is not None:
            by_offer[subject].append((number, obj))


def _label_key(label: ox.Literal) -> tuple[str, str]:
    return label.value, label.language or ""


def _number(term) -> Decimal | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def derive(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The derived graph's quads for a dataset (any quads already in the derived graph are
    ignored). Deterministic: the same dataset gives the same quads in the same order."""
    facts = _Facts()
    facts.read(quads)
    nodes: dict[str, ox.NamedNode] = {}

    def node(iri: str) -> ox.NamedNode:
        found = nodes.get(iri)
        if found is None:
            found = nodes[iri] = ox.NamedNode(iri)
        return found

    out: list[ox.Quad] = [ox.Quad(DERIVED_GRAPH, OWL.versionInfo, ox.Literal(DERIVED_VERSION),
                                  DERIVED_GRAPH)]

    def state(subject: str, predicate: ox.NamedNode, obj) -> None:
        out.append(ox.Quad(node(subject), predicate, obj, DERIVED_GRAPH))

    closure = transitive_closure(facts.later)
    for model in sorted(closure):
        subject = node(model)
        out.extend(ox.Quad(subject, _TRANSITIVE_SUCCESSOR, node(later), DERIVED_GRAPH)
                   for later in sorted(closure[model]))
    for model, depth in sorted(lineage_depths(facts.later).items()):
        state(model, _LINEAGE_DEPTH, ox.Literal(str(depth), datatype=_INTEGER))
    _listing(facts, state)
    for conflict in facts.conflicts():
        state(conflict.subject, _CONFLICTING_PROPERTY, node(conflict.property))
    counts = {g.value: n for g, n in facts.triples.items() if isinstance(g, ox.NamedNode)}
    for graph, count in sorted(counts.items()):
        if graph.startswith(SOURCE):
            state(graph, _TRIPLE_COUNT, ox.Literal(str(count), datatype=_INTEGER))
    return out


def _listing(facts: _Facts, state) -> None:
    cheapest: dict[ox.NamedNode, dict[str, tuple[Decimal, ox.Literal]]] = {}
    for predicate, by_offer in facts.prices.items():
        best = cheapest[predicate] = {}
        for offer, values in by_offer.items():
            low = min(values, key=lambda v: v[0])
            for model in facts.model_of.get(offer, ()):
                if model not in best or low[0] < best[model][0]:
                    best[model] = low
    listed = sorted(facts.models - facts.snapshots)
    shown = {predicate: {m: representative(by_model[m]) for m in listed if m in by_model}
             for predicate, by_model in facts.stated.items()}
    # per summary: model -> (the value's sort key, the value as stated)
    summaries: dict[ox.NamedNode, dict[str, tuple]] = {
        _DISPLAY_LABEL: {m: (facts.labels[m].value.casefold(), facts.labels[m])
                         for m in listed if m in facts.labels},
        _SHOWN_RELEASE: {m: (value.value.casefold(), value)
                         for m, value in shown[_RELEASED].items()},
        _SHOWN_CONTEXT: {m: (_number(value), value) for m, value in shown[_CONTEXT].items()
                         if _number(value) is not None},
        _EARLIEST_RELEASE: {m: (facts.released[m].value.casefold(), facts.released[m])
                            for m in listed if m in facts.released},
        _LARGEST_CONTEXT: {m: facts.context[m] for m in listed if m in facts.context},
        **{term: {m: cheapest[price][m] for m in listed if m in cheapest[price]}
           for price, term in _CHEAPEST.items()},
    }
    for model in listed:
        state(model, _LISTED, _TRUE)
        for term, by_model in summaries.items():
            if model in by_model:
                state(model, term, by_model[model][1])
    for term, rank in _RANK.items():
        by_model = summaries[term]
        ordered = sorted(by_model, key=lambda m: (by_model[m][0], m))  # ties by IRI
        for position, model in enumerate(ordered, start=1):
            state(model, rank, ox.Literal(str(position), datatype=_INTEGER))


def representative(stated: dict[ox.Literal, set]) -> ox.Literal:
    """The value that stands for a property's values (value -> the source graphs stating
    it), by conflicts.REPRESENTATIVE_RULE: most sources, then most precise, then smallest."""
    return min(stated, key=lambda v: representative_key(v.value, v.datatype.value,
                                                        len(stated[v])))


def transitive_closure(later: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every node reachable in one or more steps, per node that has a step to take (a node
    on a cycle reaches itself)."""
    closure = {}
    for start, ends in later.items():
        seen: set[str] = set()
        frontier = list(ends)
        while frontier:
            current = frontier.pop()
            if current in seen:
                continue
            seen.add(current)
            frontier.extend(later.get(current, ()))
        closure[start] = seen
    return closure


def lineage_depths(later: dict[str, set[str]]) -> dict[str, int]:
    """For every node on an edge, the longest path to it from a node with no predecessor,
    cycles counted as one node (their members share the depth)."""
    component = _strongly_connected(later)
    earlier: dict[int, set[int]] = defaultdict(set)
    members: dict[int, set[str]] = defaultdict(set)
    for node, c in component.items():
        members[c].add(node)
    for start, ends in later.items():
        for end in ends:
            if component[start] != component[end]:
                earlier[component[end]].add(component[start])
    depth: dict[int, int] = {}
    # Tarjan numbers components in reverse topological order: every component's
    # predecessors get higher numbers, so descending order visits them first.
    for c in sorted(members, reverse=True):
        depth[c] = max((depth[e] + 1 for e in earlier[c]), default=0)
    return {node: depth[c] for node, c in component.items()}


def _strongly_connected(later: dict[str, set[str]]) -> dict[str, int]:
    """Tarjan's algorithm without recursion (chains can be hundreds of models long): node ->
    component number, numbered in the order components complete (successors first)."""
    nodes = sorted(set(later) | {n for ends in later.values() for n in ends})
    edges = {n: sorted(later.get(n, ())) for n in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = components = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for i in range(position, len(edges[node])):
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((node, i + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = components
                    if member == node:
                        break
                components += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component


def with_derived(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """`quads` without any derived graph they hold, plus the derived graph computed anew."""
    sources = [q for q in quads if q.graph_name != DERIVED_GRAPH]
    return sources + derive(sources)


__all__ = ["DERIVED_GRAPH", "DERIVED_VERSION", "derive", "lineage_depths", "representative",
           "transitive_closure", "with_derived"]
