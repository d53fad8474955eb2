import shutil
from pathlib import Path

import pytest

from modelgraph.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A data directory built once from the seed pages."""
    data = tmp_path_factory.mktemp("data")
    assert main(["build", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    return data


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def run(capsys):
    """Run the CLI in-process: returns (exit code, stdout, stderr)."""

    def _run(*args: str):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run
