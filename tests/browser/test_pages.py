"""What a person sees in a real browser: the query editor runs an example, a model page
draws its lineage and leads to its migration candidates, SPARQL blocks open in the editor."""

import re

from playwright.sync_api import expect


def test_query_page_runs_an_example_and_shows_rows_without_leaving_the_site(
        page, server, screenshots):
    page.goto(server + "/query")
    expect(page.locator(".yasqe .CodeMirror")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Which sources state .* prices\?")).click()
    expect(page.locator(".tabsList .tab.active")).to_contain_text("Which sources state")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    expect(page.locator(".tabPanel.active .yasr table.dataTable")).to_contain_text(
        "cachedInputPrice")
    page.screenshot(path=screenshots / "query.png", full_page=True)

    # a source IRI in the results opens that source's page here (a first click on a cut
    # cell expands it: YASR's own behaviour)
    link = page.locator(".tabPanel.active .yasr a.iri", has_text="src:").first
    cut = link.locator("xpath=ancestor::div[contains(@class, 'expandable')]"
                       "[not(contains(@class, 'expanded'))]")
    if cut.count():
        cut.first.click()
    with page.context.expect_page() as opened:
        link.click()
    expect(opened.value).to_have_url(re.compile(re.escape(server) + r"/sources/\w+"))
    expect(opened.value.locator("h1")).to_contain_text("Source")

    # autocompletion offers the graph's own vocabulary (not Linked Open Vocabularies)
    page.evaluate("""() => {
        const yasqe = window.modelgraphYasgui.getTab().getYasqe();
        yasqe.setValue('PREFIX mg: <https://w3id.org/modelgraph/ontology#>\\n'
                       + 'SELECT * WHERE { ?model mg:contextWin');
        yasqe.focus();
        yasqe.setCursor({line: 1, ch: 1000});
    }""")
    page.keyboard.press("Control+Space")
    expect(page.locator(".CodeMirror-hints")).to_contain_text("mg:contextWindow")
    assert page.foreign_requests == []


def test_model_page_shows_lineage_and_links_to_migration_with_context_deltas(
        page, server, screenshots):
    page.goto(server + "/models/gpt-4o-mini")
    # the seed pages disagree on its release date: the row is highlighted, each value cited
    disputed = page.locator("table.facts tr.conflict", has_text="mg:releaseDate")
    expect(disputed).to_contain_text("2024-07-18")
    expect(disputed).to_contain_text("2024-07-17")
    diagram = page.locator("svg.lineage")
    expect(diagram).to_be_visible()
    expect(diagram.locator('a[href="/models/gpt-4-1-nano"]')).to_be_visible()
    page.screenshot(path=screenshots / "model.png", full_page=True)

    page.get_by_role("link", name="Migration: what replaces it").click()
    expect(page).to_have_url(server + "/models/gpt-4o-mini/migration")
    candidate = page.locator("section.candidate", has=page.locator("code", has_text="gpt-4-1-nano"))
    expect(candidate).to_have_count(1)
    context_row = candidate.locator("tr", has=page.locator("th", has_text="Context window"))
    expect(context_row.locator("td").nth(0)).to_contain_text("128,000")
    expect(context_row.locator("td").nth(2)).to_contain_text(re.compile(r"^\+[\d,]+$"))
    expect(context_row.locator("td").nth(3)).to_contain_text("%")
    page.screenshot(path=screenshots / "migration.png", full_page=True)
    assert page.foreign_requests == []


def test_sparql_behind_a_page_opens_in_the_query_editor_with_its_results(
        page, server, screenshots):
    page.goto(server + "/models/gpt-4o-mini/offers")
    block = page.locator("section.sparql details").first
    block.locator("summary").click()
    expect(block.locator("pre")).to_contain_text("SELECT")
    block.get_by_role("link", name="Open in query editor").click()
    expect(page.locator(".tabsList .tab.active")).to_contain_text("Price ladder")
    expect(page.locator(".tabPanel.active .yasr table.dataTable tbody tr").first).to_be_visible()
    page.screenshot(path=screenshots / "editor-from-view.png", full_page=True)
    assert page.foreign_requests == []
