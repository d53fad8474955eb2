"""A process killed (SIGKILL) in the middle of an ingest leaves the store exactly as before."""

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from modelgraph.cli import main

from .conftest import SEEDS


def _digest(data) -> str:
    lines = subprocess.run(
        [sys.executable, "-m", "modelgraph.cli", "export", "--format", "nquads", "--data",
         str(data)], capture_output=True, check=True, timeout=120).stdout.splitlines()
    return hashlib.sha256(b"\n".join(sorted(lines))).hexdigest()


@pytest.mark.parametrize("moment", ["while validating", "while writing the new generation"])
def test_sigkill_during_ingest_changes_nothing(tmp_path, moment):
    data = tmp_path / "data"
    assert main(["build", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    before = _digest(data)
    generations = data / "generations"
    existing = set(os.listdir(generations))
    process = subprocess.Popen(
        [sys.executable, "-m", "modelgraph.cli", "ingest", "models.dev", "--skip-invalid",
         "--data", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            line = process.stderr.readline() if moment == "while validating" else ""
            if moment == "while validating" and line.startswith("assembling"):
                time.sleep(0.3)  # validation has started
                break
            if moment != "while validating" and set(os.listdir(generations)) - existing:
                time.sleep(0.05)  # the copy exists and is being changed
                break
            time.sleep(0.005)
        assert process.poll() is None, "the ingest finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert _digest(data) == before
    # the next write clears what the killed one left behind and works
    assert main(["remove-source", "004_852a53bb692f7bcf", "--data", str(data)]) == 0
