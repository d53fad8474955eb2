"""Benchmark data: the real models.dev import scaled to a target size, as N-Quads.

    python -m benchmarks.generate [--sizes 10k,100k,1m] [--seed N] [--force]

The real catalogue (models.dev import + ontology) is slice 0, unchanged. Bigger sizes add
synthetic copies of it ("x1", "x2", ...) that keep its shape: every vendor, host, family,
model and offer is cloned under a renamed IRI (slug suffix ``-x1``), labels and ids get the
suffix too, prices are jittered and dates shifted by a seeded RNG. Each slice also gets

* a lineage source: successor / predecessor / recommended-replacement statements between
  the models of a family ordered by release date (families of 100+ models make chains of
  depth 20+), each edge stated in one direction or the other or both;
* two review sources that restate a share of the slice's model figures and offer prices;
  a few percent of the restated values differ, so conflicts exist at a realistic rate.

A size smaller than the real catalogue (10k) takes a deterministic subset of its models with
their snapshots, offers and the entities they use. The last slice of a size is cut to reach
the target. Same seed and size -> same bytes. Each file gets a ``.json`` manifest with its
counts and the query targets picked from slice 0 (see `pick_targets`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode

from modelgraph.derive import DERIVED_VERSION
from modelgraph.vocab import DCTERMS, ID, MG, PROV, RDF, RDFS, SOURCE, XSD

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
DEFAULT_SEED = 7
WORK_DIR = Path(__file__).resolve().parent / "work"
FORMAT_VERSION = 3  # bump when the generated shape changes (invalidates cached files)
# 2: the derived graph modelgraph computes at build time (modelgraph.derive) is appended
# 3: with the listing's sort positions and derive.py's version

RENAMED_KINDS = ("model", "vendor", "host", "family", "offer")
PRICES = {MG[p].value for p in ("inputPrice", "outputPrice", "cachedInputPrice",
                                "cacheWritePrice")}
DATES = {MG[p].value for p in ("releaseDate", "lastUpdated", "knowledgeCutoff")}
IDENTIFIERS = {MG.alias.value, MG.endpointId.value}
REVIEW_SOURCES = 2
REVIEW_SHARE = 0.15  # share of a slice's models each review source restates
CONFLICT_RATE = 0.06  # share of restated values that disagree with the catalogue
MAX_SLICES = 200  # bounds the generation loop (5m needs about 50)

_TYPE, _LABEL = RDF.type.value, RDFS.label.value
_MODEL, _OFFER = MG.Model.value, MG.Offer.value


def parse_size(text: str) -> int:
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


# -- the real catalogue ------------------------------------------------------------------------


@dataclass
class RealCatalogue:
    """The models.dev import grouped by subject, and its models grouped into units."""

    graph: NamedNode
    by_subject: dict[str, list[tuple[NamedNode, object]]]  # subject IRI -> [(p, o)], sorted
    units: list[list[str]]  # [alias model, its snapshots..., offers of any of them...]
    models: set[str]  # subjects typed mg:Model
    ontology_lines: list[str]

    @cached_property
    def quad_count(self) -> int:
        return sum(len(v) for v in self.by_subject.values())

    @cached_property
    def digest(self) -> str:
        """Of what the import gives today: generated files from another import are stale."""
        lines = sorted(f"{s} {p} {o}" for s, pairs in self.by_subject.items() for p, o in pairs)
        lines += [str(line) for line in self.ontology_lines]
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def load_real(seed: int) -> RealCatalogue:
    from modelgraph.rdf import extraction_quads
    from modelgraph.resources import ontology_quads
    from modelgraph.sources.modelsdev import extract_catalogue

    logging.getLogger("modelgraph.sources.modelsdev").setLevel(logging.ERROR)
    quads = extraction_quads(extract_catalogue(skip_invalid=True))
    graph = quads[0].graph_name
    by_subject: dict[str, list] = defaultdict(list)
    for q in sorted(quads, key=lambda q: (q.subject.value, q.predicate.value, str(q.object))):
        by_subject[q.subject.value].append((q.predicate, q.object))
    types = {s: {o.value for p, o in po if p.value == _TYPE} for s, po in by_subject.items()}
    snapshot_of = {s: o.value for s, po in by_subject.items() for p, o in po
                   if p == MG.snapshotOf}
    offer_model = {s: o.value for s, po in by_subject.items() for p, o in po if p == MG.model}

    def root(model: str) -> str:
        for _ in range(10):  # snapshot chains are one step; bounded all the same
            if model not in snapshot_of:
                break
            model = snapshot_of[model]
        return model

    units: dict[str, list[str]] = defaultdict(list)
    for subject in sorted(by_subject):
        if _MODEL in types[subject]:
            units[root(subject)].append(subject)
    for subject in sorted(by_subject):
        if _OFFER in types[subject]:
            units[root(offer_model[subject])].append(subject)
    ordered = [sorted(units[r], key=lambda s: (s != r, s)) for r in sorted(units)]
    random.Random(f"{seed}:units").shuffle(ordered)
    blanks: dict[str, str] = {}  # the parser's random blank node ids -> stable ones

    def term(t) -> str:
        if isinstance(t, BlankNode):
            return blanks.setdefault(t.value, f"_:ontology{len(blanks)}")
        return str(t)

    ontology = [f"{term(q.subject)} {q.predicate} {term(q.object)} {q.graph_name} .\n"
                for q in ontology_quads()]
    models = {s for s, t in types.items() if _MODEL in t}
    return RealCatalogue(graph, dict(by_subject), ordered, models, sorted(ontology))


# -- one slice ---------------------------------------------------------------------------------


@dataclass
class SliceStats:
    quads: int = 0
    lineage_edges: int = 0
    longest_chain: int = 0
    conflicts: int = 0
    graphs: list[str] = field(default_factory=list)


class Slice:
    """Slice `k` of the data: the catalogue (renamed and jittered for k > 0) over `units`."""

    def __init__(self, real: RealCatalogue, k: int, units: list[list[str]], seed: int) -> None:
        self.real, self.k, self.units = real, k, units
        self.rng = random.Random(f"{seed}:slice:{k}")
        self.suffix = f"-x{k}" if k else ""
        self.tag = f" x{k}" if k else ""
        self._renamed: dict[str, str] = {}
        self.stats = SliceStats()
        self.lines: list[str] = []
        # filled while writing the catalogue: what lineage and reviews are built from
        self.family_members: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.model_facts: dict[str, dict[str, object]] = defaultdict(dict)
        self.offers_of: dict[str, list[str]] = defaultdict(list)
        self.offer_prices: dict[str, dict[str, object]] = defaultdict(dict)

    def iri(self, value: str) -> str:
        """The slice's IRI for an entity (renamed kinds get the suffix)."""
        if not self.k or not value.startswith(ID):
            return value
        found = self._renamed.get(value)
        if found is None:
            kind = value[len(ID):].split("/", 1)[0]
            found = value + self.suffix if kind in RENAMED_KINDS else value
            self._renamed[value] = found
        return found

    def source(self, name: str) -> str:
        return f"<{SOURCE}{name}{self.suffix}>"

    def build(self) -> list[str]:
        self._catalogue()
        self._lineage()
        for r in range(1, REVIEW_SOURCES + 1):
            self._review(r)
        self.stats.quads = len(self.lines)
        return self.lines

    # -- catalogue -----------------------------------------------------------------------------
    def _catalogue(self) -> None:
        real = self.real
        graph = self.source("models-dev")
        self.stats.graphs.append(graph)
        unit_subjects = [s for unit in self.units for s in unit]
        support = self._support(unit_subjects)
        page = real.graph.value
        for subject in [page, *support, *unit_subjects]:
            self._subject(subject, graph, page)

    def _support(self, subjects: list[str]) -> list[str]:
        """Entities (vendors, hosts, families, capabilities, ...) the units refer to."""
        by_subject = self.real.by_subject
        unit_set = set(subjects)
        found: set[str] = set()
        todo = list(subjects)
        while todo:
            for _, o in by_subject.get(todo.pop(), ()):
                if isinstance(o, NamedNode) and o.value in by_subject \
                        and o.value not in unit_set and o.value not in found:
                    found.add(o.value)
                    todo.append(o.value)
        return sorted(found)

    def _subject(self, subject: str, graph: str, page: str) -> None:
        is_page = subject == page
        s = f"<{graph[1:-1]}>" if is_page else f"<{self.iri(subject)}>"
        shift = self.rng.randint(-90, 90) if self.k else 0  # one shift per subject
        factor = Decimal(self.rng.randint(60, 140)) / 100 if self.k else None
        renamed = self.k and subject.startswith(ID) and s[1:-1] != subject
        is_model = subject in self.real.models
        for p, o in self.real.by_subject[subject]:
            pv = p.value
            if isinstance(o, NamedNode):
                obj = f"<{self.iri(o.value)}>"
                if pv == MG.family.value and is_model:
                    self.family_members[obj].append(s)
                elif pv == MG.model.value:
                    self.offers_of[obj].append(s)
            else:
                obj = self._literal(pv, o, is_page, renamed, shift, factor)
                if pv in PRICES:
                    self.offer_prices[s][pv] = obj
                elif is_model and pv in (MG.releaseDate.value, MG.contextWindow.value, _LABEL):
                    self.model_facts[s][pv] = obj
            self.lines.append(f"{s} <{pv}> {obj} {graph} .\n")

    def _literal(self, pv: str, o: Literal, is_page: bool, renamed: bool, shift: int,
                 factor: Decimal | None) -> str:
        if not self.k:
            return str(o)
        if is_page and pv in (DCTERMS.identifier.value, DCTERMS.title.value):
            return str(Literal(f"{o.value}{self.tag}"))
        if pv in PRICES and factor is not None:
            return str(Literal(_decimal(Decimal(o.value) * factor), datatype=XSD.decimal))
        if pv in DATES:
            return str(_shift_date(o, shift))
        if renamed and pv == _LABEL:
            return str(Literal(f"{o.value}{self.tag}", language=o.language))
        if pv in IDENTIFIERS:
            return str(Literal(f"{o.value}{self.suffix}"))
        return str(o)

    # -- lineage -------------------------------------------------------------------------------
    def _lineage(self) -> None:
        graph = self.source("synthetic-lineage")
        self._page(graph, "Synthetic lineage", "lineage")
        released = {m: f[MG.releaseDate.value] for m, f in self.model_facts.items()
                    if MG.releaseDate.value in f}
        for family in sorted(self.family_members):
            members = sorted({m for m in self.family_members[family] if m in released},
                             key=lambda m: (_date_text(released[m]), m))
            self.stats.longest_chain = max(self.stats.longest_chain, len(members) - 1)
            for older, newer in zip(members, members[1:]):
                draw = self.rng.random()
                if draw < 0.45 or draw >= 0.9:
                    self._edge(older, MG.successor, newer, graph)
                if draw >= 0.45:
                    self._edge(newer, MG.predecessor, older, graph)
            for older in members[:-1]:
                if self.rng.random() < 0.1:
                    self._edge(older, MG.recommendedReplacement, members[-1], graph)

    def _edge(self, a: str, p: NamedNode, b: str, graph: str) -> None:
        self.lines.append(f"{a} {p} {b} {graph} .\n")
        self.stats.lineage_edges += 1

    # -- reviews -------------------------------------------------------------------------------
    def _review(self, r: int) -> None:
        graph = self.source(f"synthetic-review-{r}")
        self._page(graph, f"Synthetic review site {r}", "review")
        models = sorted(self.model_facts)
        chosen = sorted(self.rng.sample(models, int(len(models) * REVIEW_SHARE)))
        for model in chosen:
            for pv, value in sorted(self.model_facts[model].items()):
                self._restate(model, pv, value, graph)
            for offer in self.offers_of.get(model, ()):
                for pv, value in sorted(self.offer_prices.get(offer, {}).items()):
                    self._restate(offer, pv, value, graph)

    def _restate(self, subject: str, pv: str, value: str, graph: str) -> None:
        if pv != _LABEL and self.rng.random() < CONFLICT_RATE:
            value = _disagree(pv, value, self.rng)
            self.stats.conflicts += 1
        self.lines.append(f"{subject} <{pv}> {value} {graph} .\n")

    def _page(self, graph: str, title: str, kind: str) -> None:
        self.stats.graphs.append(graph)
        updated = dt.date(2025, 1, 1) + dt.timedelta(days=self.rng.randint(0, 400))
        for p, o in ((RDF.type, MG.SourcePage), (RDF.type, PROV.Entity),
                     (DCTERMS.identifier, Literal(graph[len(SOURCE) + 1:-1])),
                     (DCTERMS.title, Literal(title + self.tag)),
                     (MG.site, Literal("bench.invalid")), (MG.pageKind, Literal(kind)),
                     (MG.updatedOn, Literal(updated.isoformat(), datatype=XSD.date))):
            self.lines.append(f"{graph} {p} {o} {graph} .\n")


def _decimal(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.000001")).normalize(), "f")
    return text if "." in text else text + ".0"


def _date_text(literal_text: str) -> str:
    return literal_text.split('"')[1]


def _shift_date(o: Literal, days: int) -> Literal:
    datatype = o.datatype.value
    if datatype == XSD.date.value:
        return Literal((dt.date.fromisoformat(o.value) + dt.timedelta(days=days)).isoformat(),
                       datatype=o.datatype)
    if datatype == XSD.gYearMonth.value:
        year, month = (int(x) for x in o.value.split("-"))
        index = year * 12 + month - 1 + round(days / 30)
        return Literal(f"{index // 12:04d}-{index % 12 + 1:02d}", datatype=o.datatype)
    return o


def _disagree(pv: str, value: str, rng: random.Random) -> str:
    """A value that a conflict check must not take for rounding of `value`."""
    text, _, rest = value[1:].partition('"')
    datatype = rest[3:-1] if rest.startswith("^^") else XSD.string.value
    if pv in PRICES:
        bumped = Decimal(text) * Decimal(rng.choice(("1.25", "1.5", "0.5"))) + Decimal("0.01")
        return str(Literal(_decimal(bumped), datatype=XSD.decimal))
    if pv == MG.contextWindow.value:
        return str(Literal(str(int(text) * 2 + 1000), datatype=XSD.integer))
    if pv == MG.releaseDate.value:
        return str(_shift_date(Literal(text, datatype=NamedNode(datatype)), 400))
    return value


# -- a whole file ------------------------------------------------------------------------------


@dataclass
class Generated:
    path: Path
    manifest: dict


def generate(size: int, seed: int = DEFAULT_SEED, out_dir: Path = WORK_DIR,
             force: bool = False, real: RealCatalogue | None = None) -> Generated:
    """Write `out_dir/{size}.nq` (unless a file from the same seed and format exists)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{size}.nq"
    manifest_path = path.with_suffix(".json")
    real = real or load_real(seed)
    if not force and path.exists() and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if (manifest.get("seed") == seed and manifest.get("format") == FORMAT_VERSION
                and manifest.get("derived_version") == DERIVED_VERSION
                and manifest.get("catalogue_digest") == real.digest):
            return Generated(path, manifest)  # same import, same derive.py: same bytes
    digest = hashlib.sha256()
    stats: list[SliceStats] = []
    slice0: Slice | None = None
    tmp = path.with_suffix(".nq.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        total = _write(handle, digest, real.ontology_lines)
        for k in range(MAX_SLICES):
            if total >= size:
                break
            piece = Slice(real, k, real.units, seed)
            lines = piece.build()
            if total + len(lines) > size * 1.02:  # cut the last slice to reach the target
                share = (size - total) / len(lines)
                units = real.units[:max(1, round(share * len(real.units)))]
                piece = Slice(real, k, units, seed)
                lines = piece.build()
            total += _write(handle, digest, lines)
            stats.append(piece.stats)
            slice0 = slice0 or piece
        handle.flush()
        derived = _derived_lines(tmp)
        total += _write(handle, digest, derived)
    tmp.replace(path)
    manifest = {
        "format": FORMAT_VERSION,
        "derived_version": DERIVED_VERSION,
        "catalogue_digest": real.digest,
        "seed": seed,
        "target": size,
        "quads": total,
        "ontology_quads": len(real.ontology_lines),
        "derived_quads": len(derived),
        "slices": len(stats),
        "graphs": sum(len(s.graphs) for s in stats) + 1,
        "lineage_edges": sum(s.lineage_edges for s in stats),
        "longest_chain": max(s.longest_chain for s in stats),
        "conflicting_values": sum(s.conflicts for s in stats),
        "sha256": digest.hexdigest(),
        "targets": pick_targets(slice0),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return Generated(path, manifest)


def _derived_lines(path: Path) -> list[str]:
    """The derived graph a modelgraph build stores beside the sources (lineage closure, the
    model listing's summaries, triple counts), so that benchmark stores look like built ones."""
    from pyoxigraph import RdfFormat, parse

    from modelgraph.derive import derive

    return [f"{quad} .\n" for quad in derive(parse(path=str(path), format=RdfFormat.N_QUADS))]


def _write(handle, digest, lines: list[str]) -> int:
    chunk = "".join(lines)
    handle.write(chunk)
    digest.update(chunk.encode())
    return len(lines)


def pick_targets(piece: Slice) -> dict:
    """Query targets from slice 0 (real models), the same way for every size.

    * ladder / describe: the model with the most offers;
    * lineage: the oldest member of the family with the longest release-date chain;
    * migration: the first adjacent pair on that chain where both models have priced offers.
    """
    def priced(model: str) -> bool:
        return any(MG.inputPrice.value in piece.offer_prices.get(o, {})
                   for o in piece.offers_of.get(model, ()))

    ladder = max(piece.offers_of, key=lambda m: (len(piece.offers_of[m]), m))
    released = {m: f[MG.releaseDate.value] for m, f in piece.model_facts.items()
                if MG.releaseDate.value in f}
    chains = [sorted({m for m in members if m in released},
                     key=lambda m: (_date_text(released[m]), m))
              for members in piece.family_members.values()]
    chain = max(chains, key=lambda c: (len(c), c[0] if c else ""))
    pairs = [(a, b) for a, b in zip(chain, chain[1:]) if priced(a) and priced(b)]
    source, target = pairs[0] if pairs else (chain[0], chain[1])
    return {
        "ladder_model": ladder[1:-1],
        "describe_model": ladder[1:-1],
        "lineage_model": chain[0][1:-1],
        "lineage_depth": len(chain) - 1,
        "migration_from": source[1:-1],
        "migration_to": target[1:-1],
        "min_context": 128000,
        "max_input_price": "1.0",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=WORK_DIR)
    parser.add_argument("--force", action="store_true", help="regenerate existing files")
    args = parser.parse_args(argv)
    real = None
    for name in args.sizes.split(","):
        real = real or load_real(args.seed)
        made = generate(parse_size(name), args.seed, args.out, args.force, real)
        print(describe(name, made))
    return 0


def describe(name: str, made: Generated) -> str:
    m = made.manifest
    return (f"{name}: {m['quads']:,} quads (triples in {m['graphs']} graphs, "
            f"{m['slices']} slice(s)), {m['lineage_edges']:,} lineage edges, longest chain "
            f"{m['longest_chain']}, {m['conflicting_values']:,} conflicting values -> "
            f"{made.path}")


if __name__ == "__main__":
    raise SystemExit(main())
