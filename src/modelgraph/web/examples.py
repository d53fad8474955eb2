"""Example queries for the query page, made at request time from the live graph.

Two groups: every canned query (the ones the helper views run), with its required
parameters bound to entities that exist right now (the model with the most offers, the
benchmark with the most results, ...) and its optional filters left as `UNDEF` (any), so
that each lists something; and a few hand-written questions built around
the same sample entities. Nothing about any particular model is written here: the samples
come from the data, so the examples work on whatever graph is served.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import queries
from ..vocab import DERIVED, SOURCE, sparql_prefixes

# One round trip: the best-connected entity of each kind (empty where the graph has none).
SAMPLES_QUERY = sparql_prefixes() + f"""SELECT ?model ?modelLabel ?benchmark ?family ?vendor ?graph
WHERE {{
  OPTIONAL {{
    SELECT ?model WHERE {{ ?model a mg:Model . OPTIONAL {{ ?offer mg:model ?model }} }}
    GROUP BY ?model ORDER BY DESC(COUNT(?offer)) ?model LIMIT 1
  }}
  OPTIONAL {{ ?model rdfs:label ?modelLabel }}
  OPTIONAL {{
    SELECT ?benchmark WHERE {{ ?result mg:benchmark ?benchmark }}
    GROUP BY ?benchmark ORDER BY DESC(COUNT(?result)) ?benchmark LIMIT 1
  }}
  OPTIONAL {{
    SELECT ?family WHERE {{ ?member mg:family ?family }}
    GROUP BY ?family ORDER BY DESC(COUNT(?member)) ?family LIMIT 1
  }}
  OPTIONAL {{
    SELECT ?vendor WHERE {{ ?made mg:vendor ?vendor }}
    GROUP BY ?vendor ORDER BY DESC(COUNT(?made)) ?vendor LIMIT 1
  }}
  OPTIONAL {{
    SELECT ?graph WHERE {{ GRAPH ?graph {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?graph), "{SOURCE}") }}
    GROUP BY ?graph ORDER BY ?graph LIMIT 1
  }}
}}
LIMIT 1
"""

# Which sample a canned query's parameter gets, by parameter name.
_SAMPLE_FOR = {"model": "model", "benchmark": "benchmark", "family": "family",
               "vendor": "vendor", "graph": "graph"}
_LIST_OF_MODELS = ("models", "nodes")
EXAMPLE_PAGE = 50  # rows of a paged listing an example shows (the /models page size)


@dataclass(frozen=True)
class Example:
    group: str  # "canned" or "questions"
    name: str
    title: str
    description: str
    sparql: str

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def samples(store) -> dict[str, str | None]:
    """IRIs (and the model's label) of sample entities; None for kinds the graph lacks."""
    rows = list(store.query(SAMPLES_QUERY))
    if not rows:
        return {}
    row = rows[0]
    names = ("model", "modelLabel", "benchmark", "family", "vendor", "graph")
    return {n: (row[n].value if row[n] is not None else None) for n in names}


def canned_examples(sample: dict[str, str | None]) -> list[Example]:
    out = []
    for canned in queries.canned_queries().values():
        values, notes = {}, []
        for p in canned.parameters:
            # Optional parameters are filters: samples of different kinds need not fit
            # together (the top vendor does not make the top family), so they stay open.
            if not p.required:
                pass  # left UNDEF
            elif p.kind == "iris" and p.name in _LIST_OF_MODELS and sample.get("model"):
                values[p.name] = [sample["model"]]
            elif p.kind == "iri" and sample.get(_SAMPLE_FOR.get(p.name, "")):
                values[p.name] = sample[_SAMPLE_FOR[p.name]]
            bound = "bound below" if p.name in values else "UNDEF: any"
            notes.append(f"#   ?{p.variable} ({p.kind}, {bound}): {p.description}")
        # A paged listing (#PAGE: the /models listing, /conflicts) shows one page, as its
        # view does, not every row of the graph.
        page = EXAMPLE_PAGE if "#PAGE" in canned.text else None
        # Optional-for-the-editor: an unbound required parameter becomes UNDEF, not an error.
        relaxed = dataclasses.replace(canned, parameters=tuple(
            dataclasses.replace(p, required=False) for p in canned.parameters))
        header = [f"# {canned.title} (canned query '{canned.name}', used by the helper views)",
                  f"# {canned.description}"]
        if notes:
            header += ["# Parameters, set in the VALUES line:", *notes]
        if page:
            header.append(f"# One page of {page} (the LIMIT in the sub-select); ?total counts all.")
        out.append(Example("canned", canned.name, canned.title, canned.description,
                           "\n".join(header) + "\n" + relaxed.bind(values, limit=page)))
    return out


def question_examples(sample: dict[str, str | None]) -> list[Example]:
    prefixes = sparql_prefixes()
    found = []
    model, label = sample.get("model"), sample.get("modelLabel") or sample.get("model")
    if model:
        found.append(Example(
            "questions", "who-states-prices", f"Which sources state {label}'s prices?",
            "Every price of every offer of one model (and its dated snapshots), with the source "
            "page (named graph) that states it: disagreements show up as two rows.",
            f"""# Which sources state each price of {label}? One row per (host, price, value, source).
""" + prefixes + f"""SELECT ?host (SAMPLE(?label) AS ?hostLabel) ?price ?value ?source
WHERE {{
  VALUES ?model {{ <{model}> }}
  VALUES ?price {{ mg:inputPrice mg:outputPrice mg:cachedInputPrice mg:cacheWritePrice }}
  ?offered mg:snapshotOf? ?model .
  ?offer mg:model ?offered ; mg:host ?host .
  OPTIONAL {{ ?host rdfs:label ?label }}
  GRAPH ?source {{ ?offer ?price ?value }}
}}
GROUP BY ?host ?price ?value ?source
ORDER BY ?host ?price ?value ?source
"""))
    found.append(Example(
        "questions", "disagreements", "Where do sources state different values? (raw)",
        "Single-valued properties (owl:FunctionalProperty) with more than one value across "
        "source pages, as stated: rounding and precision included (a token count written "
        "16000 or 16385, a score of 71 or 70.6, a month or a full date), which /conflicts "
        "does not count as disagreements (its "
        "rule, conflicts.values_agree, is Python). ?inConflicts says whether /conflicts "
        "lists the row (the derived graph's mg:conflictingProperty).",
        f"""# Single-valued properties with more than one value across source pages, as stated:
# differences of rounding or precision included, which /conflicts leaves out
# (?inConflicts: whether it lists the row).
""" + prefixes + f"""SELECT ?subject ?property (COUNT(DISTINCT ?value) AS ?values)
       (GROUP_CONCAT(DISTINCT STR(?value); separator=" | ") AS ?stated)
       (COUNT(DISTINCT ?source) AS ?sources) (SAMPLE(?listed) AS ?inConflicts)
WHERE {{
  ?property a owl:FunctionalProperty .
  GRAPH ?source {{ ?subject ?property ?value }}
  FILTER STRSTARTS(STR(?source), STR(src:))
  BIND (EXISTS {{ GRAPH <{DERIVED}> {{ ?subject mg:conflictingProperty ?property }} }} AS ?listed)
}}
GROUP BY ?subject ?property
HAVING (COUNT(DISTINCT ?value) > 1)
ORDER BY ?subject ?property
"""))
    found.append(Example(
        "questions", "cheapest-output", "Cheapest output price per model",
        "The lowest output price (USD per 1M tokens) any host offers, per model, cheapest "
        "first; models nobody prices are left out (unknown is not zero).",
        """# Cheapest output price (USD per 1M tokens) per model, across hosts.
""" + prefixes + """SELECT ?model ?label (MIN(?output) AS ?cheapestOutput) (COUNT(DISTINCT ?offer) AS ?offers)
WHERE {
  ?offer mg:model ?model ; mg:outputPrice ?output .
  OPTIONAL { ?model rdfs:label ?label }
}
GROUP BY ?model ?label
ORDER BY ?cheapestOutput ?model
LIMIT 25
"""))
    found.append(Example(
        "questions", "largest-context", "Largest context windows",
        "Models by context window (tokens), largest first, with the pages stating it.",
        """# Models by context window, largest first, with the pages that state it.
""" + prefixes + """SELECT ?model ?label ?context (GROUP_CONCAT(DISTINCT STRAFTER(STR(?source), STR(src:)); separator=", ") AS ?statedBy)
WHERE {
  GRAPH ?source { ?model a mg:Model ; mg:contextWindow ?context }
  OPTIONAL { ?model rdfs:label ?label }
}
GROUP BY ?model ?label ?context
ORDER BY DESC(?context) ?model
LIMIT 25
"""))
    found.append(Example(
        "questions", "source-pages", "Source pages and what each contributes",
        "One named graph per scraped page: its site, title and number of triples; the "
        "ontology graph and the derived graph are listed too. Without GRAPH, a query sees the "
        "union of all named graphs.",
        """# One named graph per source page (and the ontology and derived graphs), with its size.
""" + prefixes + """SELECT ?source ?site ?title (COUNT(*) AS ?triples)
WHERE {
  GRAPH ?source { ?s ?p ?o }
  OPTIONAL { GRAPH ?source { ?source mg:site ?site } }
  OPTIONAL { GRAPH ?source { ?source dcterms:title ?title } }
}
GROUP BY ?source ?site ?title
ORDER BY ?source
"""))
    if model and sample.get("graph"):
        found.append(Example(
            "questions", "one-page-about-a-model", f"What one page says about {label}",
            "A CONSTRUCT: the triples about one model in one source page's named graph "
            "(the answer is a graph, shown as Turtle).",
            f"""# The triples one source page states about {label} (a graph, not a table).
""" + prefixes + f"""CONSTRUCT {{ ?model ?p ?o }}
WHERE {{
  VALUES (?model ?source) {{ (<{model}> <{sample["graph"]}>) }}
  GRAPH ?source {{ ?model ?p ?o }}
}}
"""))
    found.append(Example(
        "questions", "classes", "Classes and how many instances each has",
        "A first look at the vocabulary in use: every rdf:type with its instance count.",
        """# Every class in use and how many instances it has.
""" + prefixes + """SELECT ?class (COUNT(DISTINCT ?instance) AS ?instances)
WHERE { ?instance a ?class }
GROUP BY ?class
ORDER BY DESC(?instances) ?class
"""))
    return found


def examples(store) -> list[Example]:
    """Hand-written questions first (the editor opens on the first), then canned queries."""
    sample = samples(store)
    return question_examples(sample) + canned_examples(sample)
