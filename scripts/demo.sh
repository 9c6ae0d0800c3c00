#!/usr/bin/env bash
# Installs, builds and runs the demo: vitrum demo --out vitrum-demo (extra arguments, e.g.
# --quick, are passed on). The report is vitrum-demo/report.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/apps/vitrum demo --out vitrum-demo "$@"
