#!/usr/bin/env bash
# Installs every Debian 12 package vitrum needs to build, test and benchmark.
# Idempotent: quiet when everything is present. Needs root (or sudo) only to install.
set -euo pipefail

packages=(
  # toolchain
  cmake ninja-build g++ pkg-config clang-format
  # libraries (DESIGN.md "Dependencies")
  libfftw3-dev libhdf5-dev libeigen3-dev libpng-dev libtomlplusplus-dev nlohmann-json3-dev
  libcli11-dev voro++-dev liblammps-dev libopenmpi-dev lammps-data libssl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev hyperfine
  # interoperability tests: other tools read what vitrum writes (never a runtime dependency)
  python3-ase python3-h5py python3-numpy python3-mrcfile
  # peer tools run side by side in tests and benchmarks (never a runtime dependency)
  voro++ lammps python3-skimage
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: these Debian packages are missing and I am not root (no sudo either):" >&2
  echo "  ${missing[*]}" >&2
  echo "install-deps: ask an administrator to run: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "${sudo[@]}" apt-get update -qq >"$log" 2>&1 ||
   ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps: apt-get could not install: ${missing[*]}" >&2
  echo "install-deps: check the network path to Debian's archive and that this is Debian 12." >&2
  exit 1
fi
