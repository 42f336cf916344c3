"""Fetch the pinned CodeMirror 5 release from the npm registry into the package (no CDN at run time).

Checks the tarball against the registry's published sha512 integrity (pinned here), extracts only
the files the builder page uses, and writes LOCK (sha256 of each vendored file), which
tests/serve/test_vendor.py compares with the files. Run it by hand when moving the pin:
`python scripts/vendor_codemirror.py`.
"""
from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGE = "codemirror"
VERSION = "5.65.21"
INTEGRITY = "sha512-6teYk0bA0nR3QP0ihGMoxuKzpl5W80FpnHpBJpgy66NK3cZv5b/d/HY8PnRvfSsCG1MTfr92u2WUl+wT0E40mQ=="
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
FILES = ("LICENSE", "lib/codemirror.js", "lib/codemirror.css", "mode/yaml/yaml.js")
TARGET = Path(__file__).resolve().parents[1] / "reportbuilder" / "serve" / "static" / "vendor" / "codemirror"
LOCK = "LOCK"


def lock_text(folder: Path) -> str:
    """`sha256  path` per vendored file, and the release they come from."""
    lines = [f"# {PACKAGE}@{VERSION} {INTEGRITY}"]
    lines += [f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}" for name in FILES]
    return "\n".join(lines) + "\n"


def main() -> int:
    with urllib.request.urlopen(TARBALL, timeout=60) as answer:
        blob = answer.read()
    algorithm, _, expected = INTEGRITY.partition("-")
    if base64.b64encode(hashlib.new(algorithm, blob).digest()).decode() != expected:
        print(f"error: {TARBALL} does not match the pinned integrity", file=sys.stderr)
        return 1
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as archive:
        for name in FILES:
            member = archive.getmember(f"package/{name}")
            out = TARGET / name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(archive.extractfile(member).read())
    (TARGET / LOCK).write_text(lock_text(TARGET), encoding="utf-8")
    print(f"vendored {PACKAGE}@{VERSION} into {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
