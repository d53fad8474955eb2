"""Content negotiation: one table of formats, one function choosing among them.

`negotiate(accept, offers, format_param)` picks the offer with the highest q-value for
the client's Accept header (RFC 9110 §12.5.1: the most specific matching range gives an
offer its q; `*/*` and `type/*` wildcards; q=0 refuses), breaking ties by how specifically
the client named it and then by the table's order (the server's preference). A `format`
query parameter (json, turtle, ...) overrides Accept, for browsers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..execution import DATASET, GRAPH, RESULTS, NotAcceptable

HTML = "html"  # kind of the (optional) human page at the endpoint URL
_W3C = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    name: str  # value of the `format` parameter
    media_type: str  # what the response says it is
    kinds: frozenset[str]
    oxigraph: str | None  # attribute of pyoxigraph.QueryResultsFormat / RdfFormat
    iri: str | None = None  # W3C "Unique URIs for file formats" IRI (service description)
    aliases: tuple[str, ...] = ()  # further media types that select this format
    names: tuple[str, ...] = ()  # further `format` values

    def content_type(self, media_type: str | None = None) -> str:
        chosen = media_type or self.media_type
        return chosen + "; charset=utf-8" if chosen.startswith("text/") else chosen


def _fmt(name, media_type, kinds, oxigraph, iri=None, aliases=(), names=()) -> Format:
    return Format(name, media_type, frozenset(kinds), oxigraph, iri, aliases, names)


# Order within a kind is the server's preference: the first one is the default.
FORMATS: tuple[Format, ...] = (
    _fmt("json", "application/sparql-results+json", {RESULTS}, "JSON",
         _W3C + "SPARQL_Results_JSON", ("application/json",)),
    _fmt("xml", "application/sparql-results+xml", {RESULTS}, "XML",
         _W3C + "SPARQL_Results_XML", ("application/xml", "text/xml")),
    _fmt("csv", "text/csv", {RESULTS}, "CSV", _W3C + "SPARQL_Results_CSV"),
    _fmt("tsv", "text/tab-separated-values", {RESULTS}, "TSV", _W3C + "SPARQL_Results_TSV"),
    _fmt("turtle", "text/turtle", {GRAPH}, "TURTLE", _W3C + "Turtle",
         ("application/x-turtle",), ("ttl",)),
    _fmt("trig", "application/trig", {GRAPH, DATASET}, "TRIG", _W3C + "TriG"),
    _fmt("ntriples", "application/n-triples", {GRAPH}, "N_TRIPLES", _W3C + "N-Triples",
         ("text/plain",), ("nt",)),
    _fmt("nquads", "application/n-quads", {GRAPH, DATASET}, "N_QUADS", _W3C + "N-Quads",
         (), ("nq",)),
    _fmt("jsonld", "application/ld+json", {GRAPH, DATASET}, "JSON_LD", _W3C + "JSON-LD",
         ("application/json",), ("json",)),
    _fmt("rdfxml", "application/rdf+xml", {GRAPH}, "RDF_XML", _W3C + "RDF_XML",
         ("application/xml", "text/xml"), ("xml",)),
)  # fmt: skip

HTML_PAGE = _fmt(HTML, "text/html", {HTML}, None)


def offers(*kinds: str) -> list[Format]:
    """The formats that can carry any of `kinds`, in preference order."""
    return [f for f in FORMATS if f.kinds & set(kinds)]


@dataclass(frozen=True)
class Choice:
    format: Format
    media_type: str  # the media type to answer with (an alias if the client named it)

    @property
    def content_type(self) -> str:
        return self.format.content_type(self.media_type)


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1: no match; 0: */*; 1: type/*; 2: exact."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[_Range]:
    """Media ranges of an Accept header; malformed members are skipped; none -> */*."""
    ranges = []
    for member in (header or "").split(","):
        parts = [p.strip() for p in member.split(";")]
        kind, slash, sub = parts[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(_Range(kind, sub, q))
    return ranges or [_Range("*", "*", 1.0)]


def negotiate(
    accept: str | None, available: list[Format], format_param: str | None = None
) -> Choice:
    """The best of `available` for this request; NotAcceptable (406) names the options."""
    if format_param:
        return _by_parameter(format_param.strip(), available)
    ranges = parse_accept(accept)
    best: tuple | None = None
    for index, fmt in enumerate(available):
        for media_type in (fmt.media_type, *fmt.aliases):
            q, specificity = _quality(ranges, media_type)
            if q <= 0 or (media_type != fmt.media_type and specificity < 2):
                continue  # aliases are chosen only when named, never by a wildcard
            key = (q, specificity, -index, media_type == fmt.media_type)
            if best is None or key > best[0]:
                chosen = media_type if specificity == 2 else fmt.media_type
                best = (key, Choice(fmt, chosen))
    if best is None:
        types = [f.media_type for f in available]
        raise NotAcceptable(
            f"cannot answer in any type the Accept header allows ({accept!r}); "
            f"acceptable types: {', '.join(types)}",
            types,
            field="Accept",
        )
    return best[1]


def _quality(ranges: list[_Range], media_type: str) -> tuple[float, int]:
    """q of the most specific range matching `media_type`, and that specificity."""
    found = (0.0, -1)
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > found[1]:
            found = (media_range.q, specificity)
    return found


def _by_parameter(value: str, available: list[Format]) -> Choice:
    wanted = value.lower().split(";")[0].strip()
    for fmt in available:
        if wanted == fmt.name or wanted in fmt.names:
            return Choice(fmt, fmt.media_type)
        if wanted in (fmt.media_type, *fmt.aliases):
            return Choice(fmt, wanted)
    known = {n for f in FORMATS for n in (f.name, *f.names, f.media_type, *f.aliases)}
    names = [f.name for f in available]
    if wanted in known:
        raise NotAcceptable(
            f"format={value!r} does not fit this answer; use one of: {', '.join(names)}",
            [f.media_type for f in available],
            field="format",
        )
    raise InputError(f"unknown format {value!r}; use one of: {', '.join(names)}", field="format")
