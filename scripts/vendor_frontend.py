#!/usr/bin/env python3
"""Vendor the browser code of `rb serve` (vega, vega-lite, vega-embed; CodeMirror 5 for the
builder) from the npm registry.

Run by hand when a pinned version moves (edit PINS), never at run time: the app serves the
copied files, so it needs no network. For each package: `npm pack NAME@VERSION` into a temp
folder, compare the tarball's sha512 with the registry's `dist.integrity`, copy the files the
pages use and the LICENSE into reportbuilder/serve/static/vendor/, and write the lock file
(versions, integrity, sha256 of every copied file) that tests/serve/test_vendor.py checks.

    python3 scripts/vendor_frontend.py
"""
from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "reportbuilder" / "serve" / "static" / "vendor"
LOCK = ROOT / "reportbuilder" / "serve" / "vendor.lock.json"
# vega-lite follows the schema version Altair writes (altair.SCHEMA_VERSION); vega satisfies its peer range.
# NAME: (VERSION, {file in the package: where it goes under static/vendor/})
PINS = {
    "vega": ("6.2.0", {"build/vega.min.js": "vega.min.js", "LICENSE": "vega.LICENSE"}),
    "vega-lite": ("6.4.1", {"build/vega-lite.min.js": "vega-lite.min.js", "LICENSE": "vega-lite.LICENSE"}),
    "vega-embed": ("7.3.0", {"build/vega-embed.min.js": "vega-embed.min.js", "LICENSE": "vega-embed.LICENSE"}),
    "codemirror": ("5.65.21", {"lib/codemirror.js": "codemirror/lib/codemirror.js",
                               "lib/codemirror.css": "codemirror/lib/codemirror.css",
                               "mode/yaml/yaml.js": "codemirror/mode/yaml/yaml.js",
                               "LICENSE": "codemirror/LICENSE"}),
}


def npm(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def integrity_of(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def vendor_one(name: str, version: str, copies: dict[str, str], temp: Path) -> dict:
    expected = json.loads(npm("view", f"{name}@{version}", "dist.integrity", "--json"))
    tarball = temp / json.loads(npm("pack", f"{name}@{version}", "--json", cwd=temp))[0]["filename"]
    if integrity_of(tarball) != expected:
        sys.exit(f"{name}@{version}: the tarball's sha512 is not the registry's {expected}")
    files = {}
    with tarfile.open(tarball) as archive:
        for member, target in copies.items():
            data = archive.extractfile(f"package/{member}").read()
            (VENDOR / target).parent.mkdir(parents=True, exist_ok=True)
            (VENDOR / target).write_bytes(data)
            files[target] = hashlib.sha256(data).hexdigest()
    return {"version": version, "integrity": expected, "files": files}


def main() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        lock = {name: vendor_one(name, version, copies, Path(temp)) for name, (version, copies) in PINS.items()}
    LOCK.write_text(json.dumps(lock, indent=2) + "\n", encoding="utf-8")
    print(f"vendored {', '.join(f'{n}@{v[0]}' for n, v in PINS.items())} into {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
