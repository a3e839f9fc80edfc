#!/usr/bin/env bash
# Installs every Debian 12 package that safeguard needs to build, test, fuzz and run its
# Python bindings and notebooks. Idempotent: when all packages are already installed it
# returns without touching apt, so that scripts/run-tests.sh and scripts/demo.sh stay fast.
set -euo pipefail

packages=(
  # C++ toolchain and build
  build-essential g++ cmake git
  # clang for libFuzzer targets and its sanitizer runtimes
  clang-14 libclang-rt-14-dev
  # libraries
  libboost-date-time-dev libboost-serialization-dev libeigen3-dev libfmt-dev libyaml-cpp-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # Python bindings and their tests
  pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest
  # notebooks and the distributed examples
  python3-matplotlib python3-nbclient python3-ipykernel python3-nbformat
  python3-dask python3-distributed
)

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "${package}" 2>/dev/null || true)"
  if [[ "${status}" != "install ok installed" ]]; then
    missing+=("${package}")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ "$(id -u)" -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
