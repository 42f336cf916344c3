#!/usr/bin/env bash
# Refresh constraints.txt, the exact versions the test suite passed with.
#
# Installs the newest releases the package index serves today into a throwaway venv, runs the
# whole suite there, and only if it passes writes those versions to constraints.txt (review and
# commit the diff). `--check` runs the suite on the newest releases without writing anything:
# the way to see early that a new release breaks something.
#
#   bash scripts/refresh_constraints.sh           # re-lock
#   bash scripts/refresh_constraints.sh --check   # newest versions, suite only
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)/venv
python3 -m venv "$venv"
"$venv/bin/pip" install -q -e '.[test]'
"$venv/bin/python" -m pytest -p no:cacheprovider
if [ "${1:-}" != "--check" ]; then
  {
    echo "# The exact versions the test suite passed with (python3 $(python3 -c 'import sys; print(".".join(map(str, sys.version_info[:3])))'), $(date -u +%Y-%m-%d))."
    echo "# Used by the README's commands and .ci/run: pip install -c constraints.txt -e '.[test]'."
    echo "# Refresh with: bash scripts/refresh_constraints.sh"
    "$venv/bin/pip" freeze --exclude-editable | grep -v '^#' | LC_ALL=C sort -f
  } > constraints.txt
  echo "constraints.txt written; review the diff and commit it"
fi
