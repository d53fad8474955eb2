"""Canned queries bind their parameters safely: in a VALUES block, or (what the helper views
run) written in place of the variable where it stands for a term; every canned query the
views use still parses and answers the same when bound in place."""

import pyoxigraph as ox
import pytest

from modelgraph.queries import canned_queries, parse_query_file

EX = "http://example.org/"

QUERY = parse_query_file("probe", """# title: Probe
# param: model iri required — the model
# param: q string — text
# param: n integer — a number
SELECT ?model ?label
WHERE {
  #PARAMETERS
  ?model <http://example.org/label> ?label .
  # a comment naming ?q stays as it is
  FILTER (STR(?label) != "?q" && STR(?model) != "<?q>")
  #IF q
  FILTER (CONTAINS(?label, ?q))
  #END
  #IF n
  FILTER (STRLEN(?label) >= ?n)
  #END
}
""")

PROBE = parse_query_file("probe2", """# title: Probe 2
# param: thing iri required — a thing
# param: q string — text
SELECT ?label
WHERE {
  #PARAMETERS
  ?thing <http://example.org/label> ?label .
  FILTER (!BOUND(?q) || CONTAINS(?label, ?q))
}
""")


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    for name, label in (("a", 'say "hi" } ?q'), ("b", "plain"), ("c", "b\nline")):
        s.add(ox.Quad(ox.NamedNode(EX + name), ox.NamedNode(EX + "label"), ox.Literal(label)))
    return s


def labels(store, text):
    return sorted(row["label"].value for row in store.query(text))


def test_an_iri_parameter_is_written_in_place_unless_the_query_projects_it(store):
    text = PROBE.bind({"thing": EX + "a"}, inline=True)
    assert "<http://example.org/a> <http://example.org/label>" in text
    assert "VALUES" not in text
    assert labels(store, text) == ['say "hi" } ?q']
    projected = QUERY.bind({"model": EX + "a"}, inline=True)
    assert "VALUES (?model) { (<http://example.org/a>) }" in projected


def test_a_parameter_in_bound_stays_a_variable_bound_by_values(store):
    text = PROBE.bind({"thing": EX + "a", "q": "hi"}, inline=True)
    assert 'VALUES (?q) { ("hi") }' in text and "BOUND(?q)" in text
    assert labels(store, text) == ['say "hi" } ?q']


def test_text_parameters_cannot_break_out_of_their_string(store):
    hostile = '"} ?model ?p ?o . FILTER(true) #'
    text = QUERY.bind({"model": EX + "a", "q": hostile}, inline=True)
    assert labels(store, text) == []
    text = QUERY.bind({"model": EX + "c", "q": "b\nl"}, inline=True)
    assert labels(store, text) == ["b\nline"]


def test_variables_in_strings_iris_and_comments_are_left_alone():
    text = QUERY.bind({"model": EX + "a", "q": "x"}, inline=True)
    assert '"?q"' in text and "<?q>" in text and "naming ?q stays" in text
    assert 'CONTAINS(?label, "x")' in text


def test_if_blocks_are_kept_only_for_given_parameters(store):
    without = QUERY.bind({"model": EX + "b"})
    assert "CONTAINS" not in without and "STRLEN" not in without
    given = QUERY.bind({"model": EX + "b", "n": 5}, inline=True)
    assert "CONTAINS" not in given and 'STRLEN(?label) >= "5"^^' in given
    assert labels(store_with_b(), given) == ["plain"]


def store_with_b():
    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode(EX + "b"), ox.NamedNode(EX + "label"), ox.Literal("plain")))
    return s


def test_unset_optional_parameters_leave_no_undef_behind():
    text = PROBE.bind({"thing": EX + "a"}, inline=True)
    assert "UNDEF" not in text and "#PARAMETERS" not in text


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_canned_query_parses_when_bound_in_place(name):
    canned = canned_queries()[name]
    values = {}
    for p in canned.parameters:
        values[p.name] = {
            "iri": EX + "x", "iris": [EX + "x", EX + "y"], "string": 'a "b"', "integer": 3,
            "decimal": "1.5", "date": "2025-01-02"}[p.kind]
    ox.Store().query(canned.bind(values, limit=5, offset=1, inline=True))
    ox.Store().query(canned.bind(values, limit=5, offset=1))


def test_unless_blocks_are_kept_only_when_none_of_their_parameters_is_given():
    canned = parse_query_file("probe3", """# title: Probe 3
# param: a integer — a
# param: b integer — b
SELECT ?x WHERE {
  #UNLESS a b
  ?x <http://example.org/listed> true .
  #END
  #IF a b
  ?x <http://example.org/n> ?n .
  #END
}
""")
    neither = canned.bind({}, inline=True)
    assert "listed" in neither and "/n>" not in neither
    for given in ({"a": 1}, {"b": 2}, {"a": 1, "b": 2}):
        text = canned.bind(given, inline=True)
        assert "listed" not in text and "/n>" in text
