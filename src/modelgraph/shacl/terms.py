"""RDF terms between pyoxigraph (storage, SPARQL) and rdflib (pyshacl), and as report text."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

import pyoxigraph as ox
import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def literal_to_rdflib(term: ox.Literal) -> rdflib.Literal:
    """Keep the lexical form as written (normalize=False): reports show what the page said.

    A plain string is an rdflib Literal without datatype, as Turtle parsing gives it, so
    that sh:in ("percent") matches it.
    """
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype), normalize=False)


def to_rdflib(term) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        return literal_to_rdflib(term)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    raise TypeError(f"cannot convert {term!r} to rdflib (RDF-star triples are not supported)")


def to_oxigraph(term: rdflib.term.Node):
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or rdflib.URIRef(XSD_STRING)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise TypeError(f"cannot convert {term!r} to pyoxigraph")


def ntriples(term) -> str:
    """N-Triples text of a term of either library: <iri>, _:b, "lexical"^^<datatype>."""
    if isinstance(term, rdflib.term.Node):
        term = to_oxigraph(term)
    return str(term)


def node_id(term) -> str:
    """A focus node as reports name it: the bare IRI, or _:label for a blank node."""
    if isinstance(term, (ox.NamedNode, rdflib.URIRef)):
        return str(term.value if isinstance(term, ox.NamedNode) else term)
    return ntriples(term)


def from_ntriples(text: str) -> rdflib.term.Node:
    """The term an N-Triples string denotes; text that is not N-Triples becomes a literal."""
    try:
        (triple,) = ox.parse(f"<urn:x:s> <urn:x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError):
        return rdflib.Literal(text)
    return to_rdflib(triple.object)


def node_from_id(text: str) -> rdflib.term.Node:
    return rdflib.BNode(text[2:]) if text.startswith("_:") else rdflib.URIRef(text)


class _QuietInThisThread(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_quiet, "depth", 0)


_quiet = threading.local()
logging.getLogger("rdflib.term").addFilter(_QuietInThisThread())


@contextmanager
def quiet_rdflib():
    """rdflib logs a traceback for every ill-typed literal it converts ("2024-02-30" as a
    date); such literals are findings the report states, not errors to log. Only this
    thread's messages are dropped, and only inside the block."""
    _quiet.depth = getattr(_quiet, "depth", 0) + 1
    try:
        yield
    finally:
        _quiet.depth -= 1
