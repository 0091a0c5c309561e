#!/usr/bin/env bash
# The one test command: install, check the generated stubs, lint, type-check, run the tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/bootstrap.sh
bash scripts/services.sh
bash scripts/browser.sh
py="$root/.venv/bin"

echo "== generated gRPC stubs are up to date"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PYTHON=$py/python bash scripts/gen_protos.sh "$tmp" >/dev/null
if ! diff -r -q -x __pycache__ "$tmp/autotrader" autotrader; then
  echo "autotrader/ is out of date with proto/: run scripts/gen_protos.sh and commit" >&2
  exit 1
fi

echo "== ruff"
$py/ruff check .
$py/ruff format --check --quiet . || { echo "run: .venv/bin/ruff format ." >&2; exit 1; }
echo "== mypy"
$py/mypy domain application adapters entrypoints
echo "== import-linter"
$py/lint-imports
echo "== pytest"
set +e
$py/pytest -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$rc"
