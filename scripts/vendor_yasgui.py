#!/usr/bin/env python3
"""Reproduce the vendored YASGUI build in src/modelgraph/web/static/yasgui/ from npm.

    python3 scripts/vendor_yasgui.py            # the pinned version
    python3 scripts/vendor_yasgui.py 4.6.3      # another version (then re-run the UI tests)

Needs `npm` (only here: the service itself needs neither Node nor a CDN). Fetches the
package tarball with `npm pack`, checks it against the registry's integrity hash, and copies
the browser bundle (build/yasgui.min.js, build/yasgui.min.css) plus a license file. The
trailing `sourceMappingURL` comment is dropped because the source map (3.6 MB) is not
shipped; nothing else is changed. VENDOR.json records the version, the tarball's integrity
and the sha256 of every copied file, so a rerun can be diffed.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "modelgraph" / "web" / "static" / "yasgui"
BUNDLE = {"build/yasgui.min.js": "yasgui.min.js", "build/yasgui.min.css": "yasgui.min.css"}
SOURCE_MAP_COMMENT = b"\n//# sourceMappingURL=yasgui.min.js.map"

# The npm package ships no license file; its package.json says "MIT" with these authors.
MIT_TEXT = """MIT License

Copyright (c) {holders}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def npm_pack(spec: str, workdir: Path) -> tuple[Path, dict]:
    """Download the package tarball into `workdir`; return its path and npm's metadata."""
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True, cwd=workdir,
    ).stdout
    meta = json.loads(out)[0]
    return workdir / meta["filename"], meta


def check_integrity(tarball: Path, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{tarball.name}: {algorithm} {digest} does not match {integrity}")


def license_text(package_json: dict, extracted: Path) -> str:
    shipped = sorted(p for p in extracted.iterdir() if p.name.upper().startswith("LICEN"))
    if shipped:
        return shipped[0].read_text()
    if package_json.get("license") != "MIT":
        raise SystemExit(f"unexpected license {package_json.get('license')!r}: check it by hand")
    people = [package_json.get("author", "")] + [
        c["name"] if isinstance(c, dict) else c for c in package_json.get("contributors", [])
    ]
    holders = ", ".join(p.split(" <")[0] for p in people if p)
    bundled = ", ".join(sorted(package_json.get("dependencies", {})))
    return (
        f"{package_json['name']} {package_json['version']} is licensed under the MIT License\n"
        f"(field \"license\" of its package.json; the npm package ships no license file).\n"
        f"yasgui.min.js bundles these npm dependencies, each under its own license:\n"
        f"{bundled}.\n\n" + MIT_TEXT.format(holders=holders)
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str]) -> int:
    version = argv[0] if argv else VERSION
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        tarball, meta = npm_pack(f"{PACKAGE}@{version}", workdir)
        check_integrity(tarball, meta["integrity"])
        with tarfile.open(tarball) as archive:
            archive.extractall(workdir, filter="data")
        extracted = workdir / "package"
        package_json = json.loads((extracted / "package.json").read_text())
        TARGET.mkdir(parents=True, exist_ok=True)
        for source, name in BUNDLE.items():
            data = (extracted / source).read_bytes()
            if name.endswith(".js"):
                data = data.rstrip(b"\n").removesuffix(SOURCE_MAP_COMMENT) + b"\n"
                # shipped and served gzipped (web/static_files.py); mtime 0: same bytes each run
                (TARGET / name).unlink(missing_ok=True)
                name, data = name + ".gz", gzip.compress(data, compresslevel=9, mtime=0)
            (TARGET / name).write_bytes(data)
        (TARGET / "LICENSE").write_text(license_text(package_json, extracted))
    manifest = {
        "package": PACKAGE,
        "version": meta["version"],
        "integrity": meta["integrity"],
        "reproduce": f"python3 scripts/vendor_yasgui.py {meta['version']}",
        "files": {p.name: sha256(p) for p in sorted(TARGET.iterdir()) if p.name != "VENDOR.json"},
    }
    (TARGET / "VENDOR.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"vendored {PACKAGE}@{meta['version']} into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
