#!/usr/bin/env bash
# Installs, builds and runs the demo: vitrum demo --out demo_out (extra arguments are passed on).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/apps/vitrum demo --out demo_out "$@"
echo "demo outputs are in $(pwd)/demo_out"
