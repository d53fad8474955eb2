from .report import DOC, render


def test_the_published_conformance_report_is_up_to_date():
    assert DOC.read_text() == render(), "run: python -m tests.conformance.report > docs/conformance.md"
