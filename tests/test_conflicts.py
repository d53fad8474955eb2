"""Conflicts: every disagreeing value is kept with its sources; rounding is not a conflict."""

from pathlib import Path

import pyoxigraph as ox

from modelgraph.conflicts import find_conflicts, values_agree
from modelgraph.store import EmbeddedStore

FIXTURE = Path(__file__).parent / "fixtures" / "conflicts.trig"
MG = "https://w3id.org/modelgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _conflicts():
    store = EmbeddedStore.memory(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
    return {(_short(c.subject), c.property[len(MG):]): c for c in find_conflicts(store)}


def _short(iri: str) -> str:
    """id/model/m1 -> m1; id/offer/vendor/m1 -> vendor/m1."""
    _kind, _, rest = iri.removeprefix("https://w3id.org/modelgraph/id/").partition("/")
    return rest


def test_a_disagreeing_price_keeps_every_value_with_its_sources():
    conflict = _conflicts()[("vendor/m1", "cachedInputPrice")]
    assert [(v.value, v.sources) for v in conflict.values] == [
        ("0.07", ["b"]),
        ("0.075", ["a", "c"]),
    ]
    assert conflict.to_dict()["values"][1] == {
        "value": "0.075", "datatype": XSD + "decimal", "sources": ["a", "c"]
    }


def test_equal_values_written_differently_are_not_conflicts():
    assert ("vendor/m1", "outputPrice") not in _conflicts()  # 0.6 vs 0.60
    assert ("m1", "license") not in _conflicts()  # case only


def test_different_hosts_are_different_offers_not_conflicts():
    assert not any(key[0] == "router/m1" for key in _conflicts())


def test_dates_conflict_only_when_they_differ_at_the_coarser_precision():
    conflict = _conflicts()[("m1", "releaseDate")]  # 07-18 vs 07-17; 2024-07 agrees with both
    assert {v.value for v in conflict.values} == {"2024-07-18", "2024-07", "2024-07-17"}
    assert ("m1", "knowledgeCutoff") in _conflicts()  # 2023-10 vs 2023-09


def test_token_counts_written_as_round_numbers_agree_with_what_they_abbreviate():
    assert ("m1", "maxOutputTokens") not in _conflicts()  # 16K vs 16,384
    conflict = _conflicts()[("m1", "contextWindow")]  # 128K/128Ki agree; 1M does not
    assert {v.value for v in conflict.values} == {"128000", "131072", "1000000"}


def test_a_score_rounded_by_one_page_agrees_with_the_precise_one_only():
    assert ("m1-mmlu", "score") not in _conflicts()  # "82%" and 82.4
    conflict = _conflicts()[("m1-gpqa", "score")]  # 40.2 and 40.6: both stated to 0.1
    assert {v.value for v in conflict.values} == {"40.2", "40.6"}


def test_agreement_rules_as_a_table():
    dec, integer, date, month = XSD + "decimal", XSD + "integer", XSD + "date", XSD + "gYearMonth"
    ctx = MG + "contextWindow"
    price = MG + "inputPrice"
    cases = [
        (ctx, "1000000", integer, "1047576", integer, True),
        (ctx, "128000", integer, "131072", integer, True),
        (ctx, "128000", integer, "200000", integer, False),
        # a round number is read as a page writes it ("100K", "1.5M"), every digit of that
        # figure significant: regression, 100000 stood for 50,000-150,000
        (ctx, "100000", integer, "128000", integer, False),
        (ctx, "200000", integer, "250000", integer, False),
        (ctx, "1000000", integer, "1500000", integer, False),
        (MG + "maxOutputTokens", "100000", integer, "65536", integer, False),
        (ctx, "128000", integer, "128400", integer, True),
        (ctx, "1500000", integer, "1572864", integer, True),  # 1.5 x 1024 x 1024
        (MG + "parameterCount", "7000000000", integer, "7240000000", integer, True),
        (ctx, "16384", integer, "16385", integer, False),
        (price, "0.075", dec, "0.08", dec, False),
        (price, "0.15", dec, "0.150", dec, True),
        (MG + "score", "82", dec, "82.4", dec, True),
        (MG + "score", "82.6", dec, "82", dec, False),
        (MG + "score", "82.45", dec, "82.4", dec, True),
        (MG + "score", "1274", dec, "1270", dec, False),  # whole numbers: no rounding to tens
        (price, "0.08", dec, "0.075", dec, False),
        (MG + "releaseDate", "2024-07", month, "2024-07-18", date, True),
        (MG + "releaseDate", "2024-08", month, "2024-07-18", date, False),
    ]
    for prop, a, at, b, bt, expected in cases:
        assert values_agree(prop, a, at, b, bt) is expected, (prop, a, b)


def test_conflicts_of_one_subject_only():
    store = EmbeddedStore.memory(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
    subject = ox.NamedNode("https://w3id.org/modelgraph/id/model/m1")
    found = find_conflicts(store, subject=subject)
    assert found and {c.subject for c in found} == {subject.value}


class _TextOnlyStore:
    """A store that answers query text alone (as the query workers and remote stores do)."""

    def __init__(self, store):
        self.store = store

    def query(self, sparql, **_):
        return self.store.query(sparql)


def test_a_subject_filter_works_on_stores_that_take_only_query_text():
    store = EmbeddedStore.memory(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
    subject = ox.NamedNode("https://w3id.org/modelgraph/id/model/m1")
    found = find_conflicts(_TextOnlyStore(store), subject=subject)
    assert {c.subject for c in found} == {subject.value}
