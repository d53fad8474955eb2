"""SHACL validation through modelgraph.validation's public API (fixtures: fixtures/shacl/)."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from modelgraph.errors import InputError, RdfSyntaxError
from modelgraph.rdf import extraction_quads
from modelgraph.resources import ontology_quads
from modelgraph.validation import (
    CONFLICT_COMPONENT,
    ValidationIssue,
    load_shapes,
    validate_quads,
    validate_rdf,
)
from tests.typed_claims import claims_of_every_kind

pytestmark = [  # rdflib's own parsers use its deprecated ConjunctiveGraph API
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]

FIXTURES = Path(__file__).parent / "fixtures" / "shacl"
MG = "https://w3id.org/modelgraph/ontology#"
ID = "https://w3id.org/modelgraph/id/"
SRC = "https://w3id.org/modelgraph/source/"
SH = "http://www.w3.org/ns/shacl#"
PROV = "http://www.w3.org/ns/prov#"

PREFIXES = """
@prefix mg:    <https://w3id.org/modelgraph/ontology#> .
@prefix src:   <https://w3id.org/modelgraph/source/> .
@prefix model: <https://w3id.org/modelgraph/id/model/> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .
"""


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def validate_fixture(name: str):
    return validate_rdf(fixture(name), "trig", source=name)


def quads_of(trig: str) -> list[ox.Quad]:
    return list(ox.parse(trig.encode(), format=ox.RdfFormat.TRIG))


# -- what conforms ---------------------------------------------------------------------------
def test_a_consistent_catalogue_of_two_pages_conforms_without_any_issue():
    report = validate_fixture("conforming.trig")
    assert report.conforms
    assert report.issues == []


def test_rdf_written_from_typed_claims_of_every_kind_conforms_without_warnings():
    report = validate_quads(extraction_quads(claims_of_every_kind(), "typed.txt"))
    assert report.issues == [], report.to_text()
    assert report.conforms


# -- one fixture per kind of fault ---------------------------------------------------------
@dataclass(frozen=True)
class Fault:
    fixture: str
    severity: str
    focus: str  # under https://w3id.org/modelgraph/id/
    path: str | None  # mg: local name
    component: str  # sh: local name
    message: str  # a fragment the message must contain
    sources: tuple[str, ...]


FAULTS = [
    Fault("negative-price.trig", "Violation", "offer/cloudhost/alpha-1", "inputPrice",
          "MinInclusiveConstraintComponent", "Input price (mg:inputPrice)", ("prices",)),
    Fault("batch-discount-over-100.trig", "Violation", "offer/cloudhost/alpha-1", "batchDiscount",
          "MaxInclusiveConstraintComponent", "between 0 and 100", ("discounts",)),
    Fault("offer-without-host.trig", "Violation", "offer/cloudhost/alpha-1", "host",
          "MinCountConstraintComponent", "must name exactly one host", ("no-host",)),
    Fault("max-output-over-context.trig", "Warning", "model/alpha-1", "maxOutputTokens",
          "LessThanOrEqualsConstraintComponent", "larger than the context window", ("limits",)),
    Fault("malformed-date.trig", "Violation", "model/alpha-1", "releaseDate",
          "SPARQLConstraintComponent",
          "mg:releaseDate \"2024-02-30\" (xsd:date) is not a valid date",
          ("dates",)),
    Fault("wrong-datatype.trig", "Violation", "model/alpha-1", "contextWindow",
          "DatatypeConstraintComponent", "Context window (mg:contextWindow)", ("datatypes",)),
    Fault("two-release-dates.trig", "Violation", "model/alpha-1", "releaseDate",
          "MaxCountConstraintComponent", "one release date", ("contradiction",)),
    Fault("vendor-wrong-class.trig", "Violation", "model/alpha-1", "vendor",
          "ClassConstraintComponent", "typed mg:Vendor", ("classes",)),
    Fault("successor-released-before.trig", "Violation", "model/alpha-1", "successor",
          "SPARQLConstraintComponent", "released on 2024-11, before this model (2025-03-10)",
          ("order",)),
    Fault("successor-across-sources.trig", "Warning", "model/alpha-1", "successor",
          "SPARQLConstraintComponent", "different sources: dates, relations",
          ("dates", "relations")),
    Fault("predecessor-released-after.trig", "Violation", "model/alpha-1", "predecessor",
          "SPARQLConstraintComponent", "after this model", ("lineage",)),
    Fault("replacement-older.trig", "Violation", "model/alpha-2", "recommendedReplacement",
          "SPARQLConstraintComponent", "must not be older than the model it replaces",
          ("migration",)),
    Fault("own-successor.trig", "Violation", "model/alpha-1", "successor",
          "SPARQLConstraintComponent", "mg:successor links this model to itself", ("loop",)),
    Fault("result-without-model.trig", "Violation", "result/alpha-1/exam", "model",
          "MinCountConstraintComponent", "must name exactly one model", ("scores",)),
    Fault("percent-over-100.trig", "Violation", "result/alpha-1/exam", "score",
          "SPARQLConstraintComponent", "unit (mg:scoreUnit) is percent", ("scores",)),
    Fault("cutoff-after-release.trig", "Warning", "model/alpha-1", "knowledgeCutoff",
          "SPARQLConstraintComponent", "after the release date", ("cutoff",)),
    Fault("unnamed-model.trig", "Warning", "model/alpha-9", None,
          "SPARQLConstraintComponent", "No source gives this model a name", ("mentions",)),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.fixture.removesuffix(".trig") for f in FAULTS])
def test_each_kind_of_fault_is_reported_with_its_severity_focus_path_and_message(fault):
    report = validate_fixture(fault.fixture)
    issues = [i for i in report.issues if i.constraint == SH + fault.component]
    assert len(issues) == 1, report.to_text()
    (issue,) = issues
    assert issue.severity == fault.severity
    assert issue.focus_node == ID + fault.focus
    assert issue.path == (MG + fault.path if fault.path else None)
    assert fault.message in issue.message
    assert issue.source_ids == fault.sources
    assert {i.focus_node for i in report.issues} == {ID + fault.focus}, "no unrelated findings"
    assert report.conforms is (fault.severity != "Violation")


def test_the_offending_value_is_reported_in_ntriples_form():
    (issue,) = validate_fixture("negative-price.trig").issues
    assert issue.value == '"-0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    (issue,) = validate_fixture("vendor-wrong-class.trig").issues
    assert issue.value == f"<{ID}host/cloudhost>"


@pytest.mark.parametrize(
    "literal, valid",
    [
        ('"2024-02-29"^^xsd:date', True),
        ('"2000-02-29"^^xsd:date', True),
        ('"2023-02-29"^^xsd:date', False),
        ('"1900-02-29"^^xsd:date', False),
        ('"2024-04-31"^^xsd:date', False),
        ('"2024-07"^^xsd:date', False),
        ('"2024-12"^^xsd:gYearMonth', True),
        ('"2024-13"^^xsd:gYearMonth', False),
        ('"2024"^^xsd:gYear', True),
        ('"24"^^xsd:gYear', False),
        ('"July 2024"', False),
        ('"2024-07-01T00:00:00"^^xsd:dateTime', False),
    ],
)
def test_a_date_must_exist_at_the_precision_it_states(literal, valid):
    data = PREFIXES + f'model:alpha-1 a mg:Model ; rdfs:label "A" ; mg:releaseDate {literal} .'
    report = validate_rdf(data, "turtle")
    assert report.conforms is valid, report.to_text()
    if not valid:
        (issue,) = report.issues
        assert issue.path == MG + "releaseDate" and "not a valid date" in issue.message


def test_a_snapshot_typed_only_as_a_snapshot_is_checked_as_a_model():
    data = PREFIXES + """
        model:alpha-1 a mg:Model ; rdfs:label "Alpha 1" ; mg:successor model:alpha-2-2025-05-01 .
        model:alpha-2-2025-05-01 a mg:ModelSnapshot ; mg:alias "alpha-2-2025-05-01" ;
            mg:snapshotOf model:alpha-1 ; mg:contextWindow 0 .
    """
    (issue,) = validate_rdf(data, "turtle").issues  # and sh:class mg:Model holds for it
    assert issue.focus_node == ID + "model/alpha-2-2025-05-01"
    assert issue.path == MG + "contextWindow"


# -- where findings come from ----------------------------------------------------------------
def test_an_issue_names_only_the_page_whose_triples_are_at_fault():
    data = fixture("negative-price.trig") + fixture("conforming.trig").split("src:page-b {")[0]
    report = validate_rdf(data, "trig")
    (issue,) = report.violations()
    assert issue.source_ids == ("prices",)


def test_the_same_fault_on_two_pages_is_one_issue_naming_both_pages():
    page = 'model:alpha-1 a mg:Model ; rdfs:label "A" ; mg:releaseDate "2025-02-30"^^xsd:date .'
    data = PREFIXES + f"src:one {{ {page} }} src:two {{ {page} }}"
    (issue,) = validate_rdf(data, "trig").issues
    assert issue.source_ids == ("one", "two")


def test_triples_outside_named_graphs_belong_to_the_source_given():
    report = validate_rdf(
        PREFIXES + 'model:alpha-1 a mg:Model ; rdfs:label "A" ; mg:contextWindow -5 .', "turtle",
        source="upload-7",
    )
    (issue,) = report.issues
    assert issue.source_ids == ("upload-7",)
    derived = set(report.graph.objects(None, rdflib.URIRef(PROV + "wasDerivedFrom")))
    assert derived == {rdflib.URIRef(SRC + "upload-7")}


def test_pages_that_are_right_alone_but_contradict_each_other_give_only_a_warning():
    report = validate_fixture("successor-across-sources.trig")
    assert report.conforms
    (issue,) = report.warnings()
    assert issue.source_ids == ("dates", "relations")
    assert issue.value == f"<{ID}model/alpha-2>"


def test_the_ontology_graph_is_not_validated_as_data():
    report = validate_quads(ontology_quads() + quads_of(fixture("conforming.trig")))
    assert report.conforms and report.issues == []


# -- extra issues ----------------------------------------------------------------------------
def test_extra_issues_such_as_source_conflicts_appear_in_the_report_and_its_graph():
    conflict = ValidationIssue(
        severity="Warning",
        focus_node=ID + "offer/cloudhost/alpha-1",
        path=MG + "inputPrice",
        value="0.50 | 0.55",
        message="sources disagree on inputPrice: 0.50 (page-a) vs 0.55 (page-c)",
        source_ids=("page-a", "page-c"),
        shape=None,
        constraint=None,
    )
    report = validate_quads(quads_of(fixture("conforming.trig")), extra_issues=[conflict])
    assert report.conforms
    assert report.issues == [replace(conflict, constraint=CONFLICT_COMPONENT)]
    rows = list(report.graph.query(
        """SELECT ?severity ?focus ?path ?message ?component ?source WHERE {
               ?report a sh:ValidationReport ; sh:result ?r .
               ?r a sh:ValidationResult ; sh:resultSeverity ?severity ; sh:focusNode ?focus ;
                  sh:resultPath ?path ; sh:resultMessage ?message ;
                  sh:sourceConstraintComponent ?component ; prov:wasDerivedFrom ?source }""",
        initNs={"sh": SH, "prov": PROV},
    ))
    assert {str(row.source) for row in rows} == {SRC + "page-a", SRC + "page-c"}
    row = rows[0]
    assert str(row.severity) == SH + "Warning"
    assert str(row.focus) == conflict.focus_node and str(row.path) == conflict.path
    assert str(row.message) == conflict.message
    assert str(row.component) == CONFLICT_COMPONENT == MG + "ConflictConstraintComponent"


def test_an_extra_violation_makes_the_report_not_conform():
    extra = ValidationIssue("Violation", ID + "model/alpha-1", None, None, "bad", ("x",), None,
                            constraint=None)
    report = validate_quads(quads_of(fixture("conforming.trig")), extra_issues=[extra])
    assert not report.conforms
    assert report.violations() == [replace(extra, constraint=CONFLICT_COMPONENT)]


# -- report formats ----------------------------------------------------------------------------
def mixed_report():
    """A violation on one page and a warning on another."""
    data = fixture("negative-price.trig") + fixture("max-output-over-context.trig")
    return validate_rdf(data, "trig")


def test_the_report_graph_is_a_standard_shacl_validation_report():
    report = mixed_report()
    graph = report.graph
    (node,) = graph.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationReport"))
    assert graph.value(node, rdflib.URIRef(SH + "conforms")).toPython() is False
    results = list(graph.objects(node, rdflib.URIRef(SH + "result")))
    assert len(results) == len(report.issues) == 2
    for result in results:
        for prop in ("focusNode", "resultSeverity", "resultMessage", "sourceConstraintComponent"):
            assert graph.value(result, rdflib.URIRef(SH + prop)) is not None, prop


def test_the_text_report_groups_by_severity_then_source_then_focus_node():
    text = mixed_report().to_text()
    lines = text.splitlines()
    assert lines[0] == "Validation report: does not conform (1 violation, 1 warning, 0 infos)"
    order = [
        "Violations (1)", "  source prices", "    mgid:offer/cloudhost/alpha-1",
        "      mg:inputPrice = \"-0.5\"^^xsd:decimal",
        "Warnings (1)", "  source limits", "    mgid:model/alpha-1",
    ]
    positions = [lines.index(line) for line in order]
    assert positions == sorted(positions)
    assert "Input price (mg:inputPrice) must be one xsd:decimal >= 0" in text


def test_the_turtle_report_parses_back_to_the_report_graph():
    report = mixed_report()
    assert isomorphic(rdflib.Graph().parse(data=report.to_turtle(), format="turtle"), report.graph)


def test_the_jsonld_report_has_a_compact_context_and_parses_back_to_the_report_graph():
    report = mixed_report()
    document = json.loads(report.to_jsonld())
    assert document["@context"]["sh"] == SH and document["@context"]["mg"] == MG
    parsed = rdflib.Graph().parse(data=report.to_jsonld(), format="json-ld")
    assert isomorphic(parsed, report.graph)


def test_the_json_report_lists_every_issue_with_its_sources():
    report = mixed_report()
    data = json.loads(json.dumps(report.to_json()))
    assert data["conforms"] is False
    assert data["violations"] == 1 and data["warnings"] == 1
    assert data["issues"] == [issue.to_dict() for issue in report.issues]
    assert data["issues"][0]["source_ids"] == ["prices"]
    assert set(data["issues"][0]) == {
        "severity", "focus_node", "path", "value", "message", "source_ids", "shape", "constraint",
        "locator",
    }


# -- input formats and errors ------------------------------------------------------------------
def serialized(fmt: ox.RdfFormat) -> bytes:
    quads = quads_of(fixture("negative-price.trig"))
    if not fmt.supports_datasets:
        quads = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return ox.serialize(quads, format=fmt)


@pytest.mark.parametrize(
    "name, fmt",
    [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
     ("nquads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG),
     ("jsonld", ox.RdfFormat.JSON_LD), ("rdfxml", ox.RdfFormat.RDF_XML)],
)
def test_every_supported_format_is_validated_alike(name, fmt):
    (issue,) = validate_rdf(serialized(fmt), name, source="upload").issues
    assert issue.path == MG + "inputPrice" and issue.severity == "Violation"
    assert issue.source_ids == (("prices",) if fmt.supports_datasets else ("upload",))


def test_invalid_turtle_raises_a_syntax_error_with_line_and_column():
    data = PREFIXES + 'model:alpha-1 a mg:Model ;\n    rdfs:label "Alpha 1" \n    mg:alias "a" .\n'
    with pytest.raises(RdfSyntaxError) as caught:
        validate_rdf(data, "turtle", source="broken.ttl")
    error = caught.value
    assert error.source == "broken.ttl"
    assert error.line == PREFIXES.count("\n") + 3
    assert error.column and error.column > 0
    assert f"line {error.line}" in str(error)


def test_an_unknown_format_is_an_input_error_naming_the_formats():
    with pytest.raises(InputError, match="turtle"):
        validate_rdf("", "yaml")


def test_a_jsonld_remote_context_is_refused_without_any_network_access(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("validation tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    document = '{"@context": "https://schema.org/", "@id": "https://example.org/a", "name": "A"}'
    with pytest.raises(RdfSyntaxError, match="remote JSON-LD contexts"):
        validate_rdf(document, "jsonld")


def test_a_jsonld_document_naming_modelgraphs_context_by_its_permanent_iri_is_read_offline(
        monkeypatch):
    """Regression: a document naming https://w3id.org/modelgraph/context.jsonld (the same
    whatever host serves it) was refused as a remote context by the CLI."""
    def no_network(*args, **kwargs):
        raise AssertionError("validation tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    document = ('{"@context": "https://w3id.org/modelgraph/context.jsonld", "id": '
                '"https://w3id.org/modelgraph/id/model/zz", "type": "Model", "label": "Zz", '
                '"contextWindow": -5}')
    report = validate_rdf(document, "jsonld")
    assert [(i.path.rsplit("#", 1)[1], i.value) for i in report.violations()] == [
        ("contextWindow", '"-5"^^<http://www.w3.org/2001/XMLSchema#integer>')]


# -- re-validation -----------------------------------------------------------------------------
def test_a_page_is_checked_again_only_when_its_content_changes():
    cache: dict = {}
    one = 'src:one { model:alpha-1 a mg:Model ; rdfs:label "Alpha 1" ; mg:contextWindow -1 . }'
    two = 'src:two { model:alpha-2 a mg:Model ; rdfs:label "Alpha 2" . }'
    validate_quads(quads_of(PREFIXES + one + two), cache=cache)
    assert len(cache) == 2
    changed = two.replace('"Alpha 2" .', '"Alpha 2" ; mg:contextWindow 0 .')
    report = validate_quads(quads_of(PREFIXES + one + changed), cache=cache)
    assert len(cache) == 3  # only page two was checked again
    assert {i.source_ids for i in report.violations()} == {("one",), ("two",)}
    same_as_one = one.replace("src:one", "src:three")
    report = validate_quads(quads_of(PREFIXES + same_as_one), cache=cache)
    assert len(cache) == 3 and report.violations()[0].source_ids == ("three",)


# -- the shapes --------------------------------------------------------------------------------
def test_every_constraint_in_the_shapes_has_a_message():
    shapes = load_shapes()
    sh = rdflib.Namespace(SH)
    parameters = [sh.datatype, sh.minCount, sh.maxCount, sh["class"], sh.minInclusive,
                  sh.minExclusive, sh.maxInclusive, sh.pattern, sh["in"], sh.nodeKind,
                  sh.lessThanOrEquals]
    for parameter in parameters:
        for shape in shapes.subjects(parameter, None):
            assert shapes.value(shape, sh.message) is not None, f"{shape} has no sh:message"
    for shape, constraint in shapes.subject_objects(sh.sparql):
        assert shapes.value(constraint, sh.message) is not None, f"{shape} has no sh:message"


def test_sparql_constraints_find_what_pyshacl_finds_on_a_single_page():
    import pyshacl

    for name in ("successor-released-before.trig", "replacement-older.trig",
                 "predecessor-released-after.trig", "own-successor.trig", "malformed-date.trig",
                 "cutoff-after-release.trig", "percent-over-100.trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=fixture(name), format="trig")
        (page,) = [g for g in dataset.graphs() if len(g)]
        data = rdflib.Graph()
        for triple in page:
            data.add(triple)
        _, graph, _ = pyshacl.validate(data, shacl_graph=load_shapes(), inference="none")
        sh = rdflib.Namespace(SH)
        theirs = {
            (str(graph.value(r, sh.focusNode)), str(graph.value(r, sh.resultPath)),
             str(graph.value(r, sh.sourceShape)), str(graph.value(r, sh.resultSeverity))[len(SH):])
            for r in graph.subjects(rdflib.RDF.type, sh.ValidationResult)
        }
        ours = {(i.focus_node, str(i.path), i.shape, i.severity)
                for i in validate_fixture(name).issues}
        assert ours == theirs, name
