"""W3C Protocol tests that modelgraph does not pass, by (test, backend) ("*": both), and why."""

DEVIATIONS: dict[tuple[str, str], str] = {
    ("query_multiple_dataset", "*"): (
        "The test's request URL encodes the `&` between its two named-graph-uri parameters "
        "as `%26`, so it names one graph, whose IRI contains `&named-graph-uri=`. With the "
        "dataset the protocol then specifies, data1.rdf is not a named graph and the answer "
        "is false; `oxigraph serve` answers the same. The intent (two named graphs, "
        "overriding the query's FROM) is covered by query_dataset_named_graphs_post and "
        "tests/web/test_protocol.py."
    ),
    ("update_base_uri", "*"): (
        "Its first operation is `CLEAR GRAPH` (without SILENT) of a graph the store does "
        "not have, which Oxigraph treats as an error, as SPARQL 1.1 Update §3.2.2 allows "
        "(the update-silent tests expect exactly that failure): the request is answered 400 "
        "with the engine's message. What the test is about, relative IRIs resolved against "
        "the endpoint's URL, is tested in tests/web/test_writes.py (updates) and "
        "tests/web/test_protocol.py (queries)."
    ),
}


def reason(test: str, backend: str) -> str | None:
    """Why `test` fails on `backend`, or None: it passes."""
    return DEVIATIONS.get((test, backend)) or DEVIATIONS.get((test, "*"))
