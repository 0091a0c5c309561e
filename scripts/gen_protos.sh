#!/usr/bin/env bash
# Generate the Python gRPC stubs from proto/ into autotrader/ (the importable API package).
# Usage: scripts/gen_protos.sh [OUTPUT_DIR]   (default: the repository root)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root}"
python="${PYTHON:-$root/.venv/bin/python}"
mkdir -p "$out"
cd "$root/proto"
files=$(find autotrader -name '*.proto' | sort)
"$python" -m grpc_tools.protoc -I. --python_out="$out" --pyi_out="$out" --grpc_python_out="$out" $files
for d in $(find autotrader -type d); do touch "$out/$d/__init__.py"; done
