"""Files shipped with modelgraph: the ontology and the SHACL shapes.

They live once, in the package (so an installed modelgraph has them); the repository's
top-level ontology/ and shapes/ are where people look for them, and point here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .vocab import ONTOLOGY_IRI

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # src/modelgraph -> repository root


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"none of {', '.join(map(str, candidates))} exists")


def ontology_path() -> Path:
    return _first_existing(
        _PACKAGE / "ontology" / "modelgraph.ttl", _CHECKOUT / "ontology" / "modelgraph.ttl"
    )


def shapes_dir() -> Path:
    return _first_existing(_PACKAGE / "shapes", _CHECKOUT / "shapes")


def ontology_graph_iri() -> ox.NamedNode:
    """The named graph the ontology is loaded into, beside the source graphs."""
    return ox.NamedNode(ONTOLOGY_IRI)


@cache
def _ontology_quads() -> tuple[ox.Quad, ...]:
    graph = ontology_graph_iri()
    with open(ontology_path(), "rb") as handle:
        return tuple(
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(handle, format=ox.RdfFormat.TURTLE)
        )


def ontology_quads() -> list[ox.Quad]:
    return list(_ontology_quads())
