"""Docs that cannot drift: the CLI reference and the README's settings table are generated."""

from pathlib import Path

from modelgraph.docs import cli_reference, readme_with_settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_cli_reference_is_current():
    assert (ROOT / "docs" / "cli.md").read_text() == cli_reference(), (
        "run `python -m modelgraph.docs`")


def test_the_readme_settings_table_is_current():
    readme = (ROOT / "README.md").read_text()
    assert readme == readme_with_settings(readme), "run `python -m modelgraph.docs`"


def test_the_readme_names_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert "python3 dev.py serve" in readme and "python3 dev.py test" in readme
    assert "python3 dev.py test" in (ROOT / ".ci" / "run").read_text()
