"""Canned SPARQL queries: data, not code. Each `NAME.rq` file starts with a header::

    # title: Price ladder
    # description: Every host's offer for a model …
    # param: model iri required — the model (its IRI)
    # param: vendor=?vendor_param iri — only this vendor

A parameter `name` binds the SPARQL variable `?name` (or the one after `=`). Values are bound
through a ``VALUES`` block that replaces the ``#PARAMETERS`` line (every one, so that
sub-selects, which do not see outer bindings, can have their own), each value written as an
RDF term by pyoxigraph (N-Triples syntax, so no user text is ever spliced into the query
unescaped). A ``VALUES`` block rather than pyoxigraph's `substitutions` because those only
reach projected variables, and because it works the same against a remote SPARQL server.
``LIMIT``/``OFFSET`` for paging go at the end, or where a ``#PAGE`` line stands.

``bind(..., inline=True)`` (what the helper views run) writes a single value in place of its
variable instead, wherever the variable stands for a term (not in a projection, ``AS``,
``BOUND``, ``VALUES`` or ``GROUP BY``/``ORDER BY``): oxigraph does not push a ``VALUES``
binding into patterns and property paths, so a path from a ``VALUES``-bound model can walk
the whole graph, while one from a written IRI is an index lookup (seconds against
milliseconds). Lines between ``#IF name …`` and ``#END`` are kept only when one of the named
parameters has a value (a filter that would otherwise be written ``!BOUND(?name) || …`` and
cost a check per row), lines between ``#UNLESS name …`` and ``#END`` only when none has.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property, lru_cache
from importlib import resources

from pyoxigraph import Literal, NamedNode

from ..errors import InputError
from ..execution.lexer import PUNCT, VAR, WORD, tokenize
from ..vocab import ID, XSD, sparql_prefixes

_PAGE = "#PAGE"
PARAM_KINDS = ("iri", "iris", "string", "integer", "decimal", "date")
_PARAM_LINE = re.compile(
    r"^# param: (?P<name>\w+)(?:=\?(?P<var>\w+))? (?P<kind>\w+)(?P<required> required)?"
    r"(?: — (?P<help>.*))?$"
)


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    variable: str
    required: bool = False
    description: str = ""

    def term(self, raw) -> NamedNode | Literal:
        """The RDF term for a raw value (str from a URL, or a Python value)."""
        text = str(raw).strip()
        try:
            if self.kind == "iri":
                return raw if isinstance(raw, NamedNode) else NamedNode(text)
            if self.kind == "integer":
                return Literal(str(int(text)), datatype=XSD.integer)
            if self.kind == "decimal":
                return Literal(format(Decimal(text), "f"), datatype=XSD.decimal)
            if self.kind == "date":
                return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
        except (ValueError, InvalidOperation):
            raise InputError(
                f"parameter {self.name!r} must be {_KIND_HELP[self.kind]}, got {text!r}",
                field=self.name,
            ) from None
        return Literal(text)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "type": self.kind,
            "variable": f"?{self.variable}",
            "required": self.required,
            "description": self.description,
        }


_KIND_HELP = {
    "iri": "an IRI",
    "integer": "a whole number",
    "decimal": "a number",
    "date": "a date YYYY-MM-DD",
    "string": "text",
    "iris": "a list of IRIs",
}


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str = field(repr=False)

    def bind(self, values: dict | None = None, *, limit: int | None = None,
             offset: int | None = None, inline: bool = False) -> str:
        """The runnable query: prefixes plus a VALUES block for the given parameters, and
        optional LIMIT/OFFSET (validated integers, for paging). With `inline`, single values
        are written in place of their variable where the grammar allows (see the module
        docstring), and only what is left goes in a VALUES block."""
        values = {k: v for k, v in (values or {}).items() if v is not None and v != ""}
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise InputError(f"unknown parameter(s) {sorted(unknown)} for query {self.name!r}")
        for parameter in self.parameters:
            if parameter.required and parameter.name not in values:
                raise InputError(
                    f"query {self.name!r} needs parameter {parameter.name!r}",
                    field=parameter.name,
                )
        shape = self._shape(frozenset(values), inline)
        blocks = []
        if shape.scalars:
            variables = " ".join(f"?{p.variable}" for p in shape.scalars)
            terms = " ".join(
                str(p.term(values[p.name])) if p.name in values else "UNDEF"
                for p in shape.scalars
            )
            blocks.append(f"VALUES ({variables}) {{ ({terms}) }}")
        for p in shape.lists:
            terms = " ".join(str(_iri(p, v)) for v in values[p.name])
            blocks.append(f"VALUES ?{p.variable} {{ {terms} }}")
        slots = {p.variable: str(p.term(values[p.name])) for p in shape.written}
        slots[_PARAMETERS] = "\n  ".join(blocks)
        text = "".join(slots[piece.slot] if isinstance(piece, _Slot) else piece
                       for piece in shape.pieces)
        page = "".join(f"{keyword} {int(number)}\n" for keyword, number
                       in (("LIMIT", limit), ("OFFSET", offset)) if number is not None)
        if shape.paged:  # the page of a sub-select (a total is counted beside it)
            return text.replace(_PAGE, page.strip().replace("\n", " "))
        return text + page

    def _shape(self, given: frozenset[str], inline: bool) -> _Shape:
        """What the query text is for parameters `given` (names), whatever their values:
        worked out once per set of names, as binding runs on every view request."""
        key = (given, inline)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes[key] = self._make_shape(given, inline)
        return shape

    @cached_property
    def _shapes(self) -> dict:
        return {}

    def _make_shape(self, given: frozenset[str], inline: bool) -> _Shape:
        scalars = [p for p in self.parameters if p.kind != "iris"]
        written = []  # written in place of their variable
        if inline:
            written = [p for p in scalars if p.name in given and p.variable in self._inlinable]
            # an unbound parameter is simply an unbound variable (what UNDEF says)
            scalars = [p for p in scalars if p.name in given and p not in written]
        lists = [p for p in self.parameters if p.kind == "iris" and p.name in given]
        body = _kept_blocks(self.text, set(given)) if "#END" in self.text else self.text
        if not (scalars or lists):
            body = _with_parameters(body, "")
        # the text as pieces: literal text, and _Slots for what each binding writes
        cuts = [(offset, offset + 1 + len(name), _Slot(name))
                for offset, name in _variable_positions(body)
                if name in {p.variable for p in written}]
        start = body.find(_PARAMETERS)
        while start >= 0:
            cuts.append((start, start + len(_PARAMETERS), _Slot(_PARAMETERS)))
            start = body.find(_PARAMETERS, start + len(_PARAMETERS))
        pieces: list = [sparql_prefixes()]
        last = 0
        for begin, end, slot in sorted(cuts, key=lambda cut: cut[0]):
            pieces += [body[last:begin], slot]
            last = end
        pieces.append(body[last:])
        return _Shape(tuple(written), tuple(scalars), tuple(lists), tuple(pieces),
                      _PAGE in body)

    @cached_property
    def _inlinable(self) -> frozenset[str]:
        """Parameter variables that stand only where a term may (so can be written in place)."""
        names = {p.variable for p in self.parameters if p.kind != "iris"}
        return frozenset(names - _variables_not_as_terms(self.text))

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "parameters": [p.to_dict() for p in self.parameters],
            "sparql": sparql_prefixes() + self.text,
        }


_PARAMETERS = "#PARAMETERS"


@dataclass(frozen=True)
class _Slot:
    slot: str  # a variable's name, or _PARAMETERS


@dataclass(frozen=True)
class _Shape:
    written: tuple[Parameter, ...]  # written in place of their variable
    scalars: tuple[Parameter, ...]  # in the VALUES block (UNDEF when not given)
    lists: tuple[Parameter, ...]  # each a VALUES block of its own
    pieces: tuple  # str and _Slot, in order
    paged: bool  # a #PAGE line takes LIMIT/OFFSET


def _with_parameters(text: str, blocks: str) -> str:
    if blocks:
        return text.replace("#PARAMETERS", blocks)
    return re.sub(r"^[ \t]*#PARAMETERS[ \t]*\n", "", text, flags=re.MULTILINE)


_CLAUSE_ENDS = {"WHERE", "FROM", "LIMIT", "OFFSET", "HAVING", "VALUES", "GROUP", "ORDER"}


def _variables_not_as_terms(text: str) -> set[str]:
    """Variables with an occurrence where a term cannot stand: projected (SELECT ?x,
    `AS ?x`), `BOUND(?x)`, `VALUES ?x`, a bare `GROUP BY`/`ORDER BY` key."""
    found: set[str] = set()
    tokens = tokenize(text)
    in_clause = False  # between SELECT / GROUP BY / ORDER BY and where that clause ends
    for i, token in enumerate(tokens):
        upper = token.upper if token.kind == WORD else None
        if upper == "SELECT" or (upper == "BY" and i and tokens[i - 1].upper in ("GROUP", "ORDER")):
            in_clause = True
        elif upper in _CLAUSE_ENDS or (token.kind == PUNCT and token.text in "{}"):
            in_clause = False
        if token.kind != VAR:
            continue
        before = [t.upper for t in tokens[max(0, i - 2):i]]
        if (in_clause and _bare(tokens, i)) or before[-1:] == ["AS"] or before[-1:] == ["VALUES"] \
                or before == ["BOUND", "("]:
            found.add(token.text[1:])
    return found


def _bare(tokens, i: int) -> bool:
    """Whether the variable at `i` is a projection/key of its own (not inside an expression)."""
    depth = 0
    for token in reversed(tokens[:i]):
        if token.kind == PUNCT and token.text == ")":
            depth += 1
        elif token.kind == PUNCT and token.text == "(":
            if depth == 0:
                return False
            depth -= 1
        elif token.kind == WORD and token.upper in ("SELECT", "BY", "DISTINCT", "REDUCED"):
            return depth == 0
    return True


@lru_cache(maxsize=256)
def _variable_positions(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, name) of every variable in a query body (tokenised once per body)."""
    return tuple((t.offset, t.text[1:]) for t in tokenize(text) if t.kind == VAR)


_BLOCK_LINE = re.compile(r"^[ \t]*#(IF|UNLESS) (\w+(?: \w+)*)[ \t]*$")
_END_LINE = re.compile(r"^[ \t]*#END[ \t]*$")


def _kept_blocks(text: str, given: set[str]) -> str:
    """Lines between `#IF a b` and `#END` only when parameter a or b has a value, between
    `#UNLESS a b` and `#END` only when neither has (blocks do not nest)."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        opened = _BLOCK_LINE.match(line)
        if opened:
            any_given = not given.isdisjoint(opened[2].split())
            skipping = not any_given if opened[1] == "IF" else any_given
        elif _END_LINE.match(line):
            skipping = False
        elif not skipping:
            kept.append(line)
    return "".join(kept)


def _iri(parameter: Parameter, value) -> NamedNode:
    return value if isinstance(value, NamedNode) else Parameter(
        parameter.name, "iri", parameter.variable
    ).term(value)


def parse_query_file(name: str, source: str) -> CannedQuery:
    header: dict[str, str] = {}
    parameters = []
    body_lines = []
    in_header = True
    for line in source.splitlines():
        if in_header and line.startswith("# param:"):
            match = _PARAM_LINE.match(line)
            if not match or match["kind"] not in PARAM_KINDS:
                raise ValueError(f"{name}.rq: bad parameter line {line!r}")
            parameters.append(
                Parameter(
                    name=match["name"],
                    kind=match["kind"],
                    variable=match["var"] or match["name"],
                    required=bool(match["required"]),
                    description=match["help"] or "",
                )
            )
        elif in_header and re.match(r"^# (\w+): ", line):
            key, _, value = line[2:].partition(": ")
            header[key] = value
        else:
            in_header = False
            body_lines.append(line)
    if "title" not in header:
        raise ValueError(f"{name}.rq: missing '# title:' header")
    return CannedQuery(
        name=name,
        title=header["title"],
        description=header.get("description", ""),
        parameters=tuple(parameters),
        text="\n".join(body_lines).strip() + "\n",
    )


@cache
def canned_queries() -> dict[str, CannedQuery]:
    found = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            found[name] = parse_query_file(name, entry.read_text())
    return found


def get(name: str) -> CannedQuery:
    try:
        return canned_queries()[name]
    except KeyError:
        raise InputError(f"no canned query named {name!r}") from None


def entity_iri(kind: str, slug: str) -> NamedNode:
    """The IRI of an entity from the short id used in URLs: ("model", "gpt-4o-mini")."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*", slug):
        raise InputError(f"not a valid {kind} id: {slug!r}", field="id")
    return NamedNode(f"{ID}{kind}/{slug}")
