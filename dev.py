#!/usr/bin/env python3
"""One entry point for a fresh machine (Python + pip and nothing else).

    python3 dev.py serve   set up .venv, build the graph from seeds/ if needed, run the service
    python3 dev.py test    set up .venv (and what the tests need), run the whole test suite
    python3 dev.py bench   set up .venv with the benchmark extras, run benchmarks/

Extra arguments after the command are passed on (to `modelgraph serve`, pytest, or the
benchmark runner). Set-up is idempotent and skipped when nothing changed, so a second run
starts at once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"

EXTRAS = {"serve": "", "test": "[test]", "bench": "[test,bench]"}


def _run(*cmd: str | Path, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def _stamp(extra: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode())
    return digest.hexdigest()


def ensure_venv(extra: str) -> None:
    """Create .venv and install the package with `extra`; skip when already done."""
    stamp_file = VENV / f".installed{extra.replace(',', '-')}"
    if stamp_file.exists() and stamp_file.read_text() == _stamp(extra):
        return
    if not PY.exists():
        venv.create(VENV, with_pip=True)
    _run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(PY, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}{extra}")
    stamp_file.write_text(_stamp(extra))


def ensure_system_packages(packages: list[str]) -> None:
    """Install Debian packages the tests need (a browser) when missing and we may."""
    missing = [p for p in packages if shutil.which(p) is None]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"warning: {missing} not installed and apt-get unavailable; tests needing them skip")
        return
    _run("apt-get", "update", "-qq")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run("apt-get", "install", "-y", "-qq", *missing, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_venv(EXTRAS[command])
    if command == "serve":
        return subprocess.call([str(BIN / "modelgraph"), "serve", *rest], cwd=ROOT)
    if command == "test":
        ensure_system_packages(_browser_packages())
        return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)
    return subprocess.call([str(PY), "-m", "benchmarks.run", *rest], cwd=ROOT)


def _browser_packages() -> list[str]:
    """Browser tests (tests/browser) drive Debian's chromium through Playwright; more
    packages can be added with MODELGRAPH_TEST_SYSTEM_PACKAGES."""
    extra = os.environ.get("MODELGRAPH_TEST_SYSTEM_PACKAGES", "").split()
    return ["chromium", *[p for p in extra if p != "chromium"]]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
