#!/usr/bin/env bash
# Installs dependencies, configures and builds vitrum into ./build (Release).
# Under CI (CI=true) compiler warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DVITRUM_WERROR=$werror >/dev/null
cmake --build build -j"$(nproc)"
