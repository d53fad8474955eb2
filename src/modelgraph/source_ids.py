"""What a source id is, in one place.

A source id names one source: its named graph is ``SOURCE + id`` (vocab.py) and its URL
``/sources/{id}``. It is therefore made only of characters that need no escaping in an IRI
or a URL path: ASCII letters, digits, ``.``, ``_`` and ``-``; and it is not ``.`` or ``..``,
which IRI and URL resolution take for path steps. Ids are case-sensitive.

Where ids come from:

* a page or RDF file: its file stem, every run of other characters made one ``-``
  (`id_from_stem`): ``000_1327b00ca5eabaed.txt`` -> ``000_1327b00ca5eabaed``,
  ``my notes (v2).ttl`` -> ``my-notes-v2``;
* the models.dev catalogue: ``models-dev``;
* anything a user names — an HTTP path, a named graph in RDF, the command line — is
  checked with `check_source_id`, and refused (InputError) if it is not an id.
"""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

from .errors import InputError
from .vocab import SOURCE

_ID = re.compile(r"[A-Za-z0-9._-]+")
_OTHER = re.compile(r"[^A-Za-z0-9._-]+")
RULE = "ASCII letters, digits, '.', '_' and '-' only, and not just dots"


def is_source_id(text: str) -> bool:
    return _ID.fullmatch(text) is not None and text.strip(".") != ""


def check_source_id(text: str, *, source: str | None = None,
                    field: str | None = "source") -> str:
    """`text` if it is a source id, else an InputError saying what one is."""
    if not is_source_id(text):
        raise InputError(f"{text!r} is not a source id ({RULE})", source=source, field=field)
    return text


def id_from_stem(stem: str) -> str:
    """The source id of a file with this stem (``page`` when no character of it can be kept)."""
    text = _OTHER.sub("-", stem).strip("-")
    return text if is_source_id(text) else "page"


def source_graph(source_id: str) -> NamedNode:
    """The named graph of a source (its id checked)."""
    return NamedNode(SOURCE + check_source_id(source_id))


def id_of_graph(iri: str) -> str | None:
    """The id in a source graph IRI (``…/source/ID``), or None if `iri` is not one; the id
    is not checked."""
    return iri[len(SOURCE):] if iri.startswith(SOURCE) and len(iri) > len(SOURCE) else None


def id_from_argument(text: str, *, field: str | None = "source") -> str:
    """A source named by a user: its id, or its graph IRI (``…/source/ID``, ``<>`` optional)."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    found = id_of_graph(text)
    return check_source_id(text if found is None else found, field=field)
