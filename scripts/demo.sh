#!/usr/bin/env bash
# The end-to-end demo: installs the dependencies, builds safeguard (Release) into build/, then
# generates a synthetic dataset of 100,000 children, validates it, saves a snapshot and
# computes the standard indicators for 2024 for every district (org-unit level 2) into
# out/demo-report.csv. Everything it writes stays in build/ and out/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
jobs="${SAFEGUARD_JOBS:-2}"

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
bash scripts/install-deps.sh

step "build (Release, build/): the program and the Python module"
# The tests and benchmarks have their own trees (scripts/run-tests.sh).
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSAFEGUARD_BUILD_CLI=ON \
  -DSAFEGUARD_BUILD_TESTS=OFF -DSAFEGUARD_BUILD_BENCHMARKS=OFF \
  -DSAFEGUARD_BUILD_PYTHON=ON -DPython_EXECUTABLE=/usr/bin/python3
cmake --build build --target safeguard_cli _safeguard -j "${jobs}"

step "install the Python package into /usr/bin/python3's site-packages"
cmake --install build --component python

# The outputs of an earlier run are replaced, never mixed with new ones.
rm -rf out/demo out/demo.sgsnap out/demo-report.csv
mkdir -p out

step "generate: a synthetic dataset of 100,000 children (seed 1)"
time build/safeguard generate out/demo --children 100000 --seed 1

step "validate"
time build/safeguard validate out/demo

step "snapshot"
time build/safeguard snapshot out/demo out/demo.sgsnap

step "compute: the standard indicators for 2024 by org unit of level 2 (districts)"
time build/safeguard compute out/demo --period 2024 --level 2 -o out/demo-report.csv

step "out/demo-report.csv ($(wc -l <out/demo-report.csv) lines), first 20"
head -n 20 out/demo-report.csv

step "the same report from Python (pandas), by district and sex"
/usr/bin/python3 - <<'PY'
import safeguard

ds = safeguard.load("out/demo.sgsnap")
result = ds.compute(periods="2024", levels=2, by="sex", indicators="ABUSE_RATE,DROWNING_DEATHS")
print(result.to_pandas(labels="en").head(10).to_string(index=False))
PY
