"""The raw SPARQL suite (benchmarks/queries/*.rq) bound to a generated file's targets.

Each file has the header style of src/modelgraph/queries (``# title:``, ``# description:``,
``# param: NAME KIND required — help``) plus two lines of its own:

    # view: /models/{model}/lineage?format=json   the helper view answering the same question
    # cheap: yes                                  selective (index lookups), not a scan

In the body ``{{name}}`` marks where a parameter's value goes, written as an RDF term; the
view URL takes ``{name}`` (a model's short id, or the plain value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from modelgraph.vocab import ID, sparql_prefixes

QUERY_DIR = Path(__file__).resolve().parent / "queries"
MODEL_PREFIX = ID + "model/"

# which manifest target feeds each query parameter (see generate.pick_targets)
TARGETS = {
    "lineage": {"model": "lineage_model"},
    "migration": {"from": "migration_from", "to": "migration_to"},
    "price_ladder": {"model": "ladder_model"},
    "describe": {"model": "describe_model"},
    "search": {"min_context": "min_context", "max_input_price": "max_input_price"},
    "vendor_aggregates": {},
}

_HEADER = re.compile(r"^# (\w+): (.*)$")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class BenchQuery:
    name: str
    title: str
    kind: str  # "select" or "construct": decides the result format asked for
    cheap: bool
    sparql: str  # with prefixes, parameters bound
    view: str | None  # URL path + query of the equivalent helper view, parameters bound


def load_suite(targets: dict, names: list[str] | None = None) -> list[BenchQuery]:
    suite = []
    for path in sorted(QUERY_DIR.glob("*.rq")):
        name = path.stem
        if names and name not in names:
            continue
        if name not in TARGETS:
            raise ValueError(f"{path}: no targets declared for this query in suite.TARGETS")
        values = {param: targets[key] for param, key in TARGETS[name].items()}
        suite.append(parse(name, path.read_text(), values))
    return suite


def parse(name: str, text: str, values: dict) -> BenchQuery:
    header: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match and not body:
            if match[1] != "param":
                header[match[1]] = match[2].strip()
        else:
            body.append(line)
    if "title" not in header:
        raise ValueError(f"{name}.rq: missing '# title:' header")
    sparql = "\n".join(body).strip() + "\n"

    def term(match: re.Match) -> str:
        key = match[1]
        if key not in values:
            raise ValueError(f"{name}.rq: no value for placeholder {{{{{key}}}}}")
        value = values[key]
        return f"<{value}>" if str(value).startswith("http") else str(value)

    bound = _PLACEHOLDER.sub(term, sparql)
    kind = "construct" if re.search(r"^\s*(CONSTRUCT|DESCRIBE)\b", bound, re.M | re.I) \
        else "select"
    view = header.get("view")
    if view:
        view = view.format(**{k: quote(_short(v), safe="/") for k, v in values.items()})
    return BenchQuery(name, header["title"], kind, header.get("cheap", "no") == "yes",
                      sparql_prefixes() + bound, view)


def _short(value) -> str:
    text = str(value)
    return text[len(MODEL_PREFIX):] if text.startswith(MODEL_PREFIX) else text
