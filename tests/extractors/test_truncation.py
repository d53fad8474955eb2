"""Every page format refuses a truncated page, clearly, and still reads complete ones.

A page cut short must never pass for a page whose site states less: the extractor raises
an ExtractionError naming the page, its last line and the field "page", and says the page
looks truncated. Pages of the same site with sections reordered or missing still extract.
"""

from pathlib import Path

import pytest

from modelgraph import extractors
from modelgraph.errors import ExtractionError
from modelgraph.pages import Page, read_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "pages"
SEEDS = {
    "llmreference": ROOT / "seeds" / "000_1327b00ca5eabaed.txt",
    "openrouter": ROOT / "seeds" / "001_640980e458994a2e.txt",
    "keyspecs": ROOT / "seeds" / "002_2003adbb85bd36f9.txt",
    "losclouds": ROOT / "seeds" / "003_ec403d117877af56.txt",
    "modelprofile": ROOT / "seeds" / "004_852a53bb692f7bcf.txt",
}


def _last_line_start(text: str) -> int:
    return text.rstrip().rfind("\n") + 1


def _mid_word_in_last_line(text: str) -> int:
    """A cut between two characters of one word (or table cell) of the last line."""
    start, end = _last_line_start(text), len(text.rstrip())
    inside = [cut for cut in range((start + end) // 2, end)
              if not text[cut - 1].isspace() and not text[cut].isspace()
              and "|" not in text[cut - 1 : cut + 1]]
    assert inside, "the last line has no word to cut"
    return inside[0]


CUTS = {
    "first 40 characters": lambda text: 40,
    "a third": lambda text: len(text) // 3,
    "half": lambda text: len(text) // 2,
    "all but the last line": _last_line_start,
    "mid-word in the last line": _mid_word_in_last_line,
}


def _refused_as_truncated(page: Page, format_name: str) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extractors.extract(page, format_name)
    return caught.value


@pytest.mark.parametrize("format_name", sorted(SEEDS))
@pytest.mark.parametrize("cut_name", list(CUTS))
def test_a_seed_cut_short_is_refused_naming_its_last_line(format_name, cut_name):
    path = SEEDS[format_name]
    text = path.read_text()
    cut = text[: CUTS[cut_name](text)]
    page = Page(source_id="cut", text=cut, path=f"{path.name}#{cut_name}")
    error = _refused_as_truncated(page, format_name)
    assert "truncated" in error.message
    assert error.line == len(cut.rstrip().splitlines())
    assert f"page ends at line {error.line} " in error.message
    assert (error.source, error.field) == (page.path, "page")


def _cuts(text: str):
    """(cut, inside a line?) at the start and in the middle of every line."""
    position = 0
    for line in text.splitlines(keepends=True):
        yield position, False
        if len(line.strip()) > 1:
            yield position + len(line.strip()) // 2, True
        position += len(line)


# What a cut at a line boundary can leave unseen, by format: the formats whose template
# ends with a fixed closing block see every cut. A keyspecs catalogue cut right after a
# whole row, and a model profile cut right after a finished paragraph, end as a complete
# page would (the site lists no row count and has no fixed closing text).
_UNSEEN_AT_A_LINE_BOUNDARY = {
    "keyspecs": lambda last: last.startswith(("★", "—", "$", "+$")) and last.endswith("|"),
    "modelprofile": lambda last: last.endswith("."),
}


@pytest.mark.parametrize("format_name", sorted(SEEDS))
def test_every_cut_of_a_seed_is_refused_unless_it_falls_between_whole_blocks(format_name):
    text = SEEDS[format_name].read_text()
    unseen = _UNSEEN_AT_A_LINE_BOUNDARY.get(format_name, lambda last: False)
    for cut, inside_a_line in _cuts(text):
        kept = text[:cut]
        if not kept.strip():
            continue
        page = Page(source_id="cut", text=kept, path=f"cut@{cut}")
        if not inside_a_line and unseen(kept.rstrip().splitlines()[-1]):
            continue
        error = _refused_as_truncated(page, format_name)
        assert error.field == "page" and "truncated" in error.message, cut


@pytest.mark.parametrize("format_name", sorted(SEEDS))
def test_the_whole_seed_still_extracts(format_name):
    assert extractors.extract(read_page(SEEDS[format_name])).claims


INVENTED = sorted(PAGES.glob("*/*.txt"))


@pytest.mark.parametrize("path", INVENTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invented_pages_are_refused_only_when_truncated(path):
    page = read_page(path)
    format_name = path.parent.name
    if path.name.startswith("truncated"):
        assert "truncated" in _refused_as_truncated(page, format_name).message
    elif path.name.startswith(("bad", "contradict")):
        with pytest.raises(ExtractionError) as caught:
            extractors.extract(page, format_name)
        assert caught.value.field != "page", caught.value  # its own error, not truncation
    else:
        assert extractors.extract(page, format_name).claims


def test_a_blank_page_is_refused_as_truncated():
    error = _refused_as_truncated(Page(source_id="blank", text="\n \n"), "losclouds")
    assert (error.line, error.field) == (1, "page")
