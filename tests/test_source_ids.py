"""What a source id is (source_ids.py): what ids are accepted, and the ids files get."""

import pytest

from modelgraph.errors import InputError
from modelgraph.source_ids import check_source_id, id_from_argument, id_from_stem, source_graph

SRC = "https://w3id.org/modelgraph/source/"


@pytest.mark.parametrize("good", ["models-dev", "000_1327b00ca5eabaed", "a", "v1.2", ".hidden",
                                  "A-Z_0.9"])
def test_ids_of_letters_digits_dots_underscores_and_dashes_are_source_ids(good):
    assert check_source_id(good) == good
    assert source_graph(good).value == SRC + good


@pytest.mark.parametrize("bad", ["", "a b", "a/b", ".", "..", "a%20b", "a?b", "a#b", "<a>",
                                 "naïve", "a\nb"])
def test_anything_else_is_an_input_error_saying_what_an_id_is(bad):
    with pytest.raises(InputError) as caught:
        check_source_id(bad, source="here", field="source_id")
    assert (caught.value.source, caught.value.field) == ("here", "source_id")
    assert f"{bad!r} is not a source id" in caught.value.message
    with pytest.raises(InputError):
        source_graph(bad)


@pytest.mark.parametrize(("stem", "expected"), [
    ("000_1327b00ca5eabaed", "000_1327b00ca5eabaed"),
    ("my notes (v2)", "my-notes-v2"),
    ("a%20b", "a-20b"),
    ("..", "page"),
    ("日本", "page"),
])
def test_a_file_stem_is_made_an_id(stem, expected):
    assert id_from_stem(stem) == expected


@pytest.mark.parametrize("given", ["curated", SRC + "curated", f"<{SRC}curated>", " curated "])
def test_a_user_names_a_source_by_id_or_by_graph_iri(given):
    assert id_from_argument(given) == "curated"


def test_an_iri_of_no_source_graph_is_not_taken_for_an_id():
    with pytest.raises(InputError, match="is not a source id"):
        id_from_argument("https://example.org/graph")
    with pytest.raises(InputError, match="is not a source id"):
        id_from_argument(SRC)
