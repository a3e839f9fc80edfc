#!/usr/bin/env bash
# Every test stage of safeguard, in the order CI runs them (.ci/run calls this script):
#   1. dependencies        scripts/install-deps.sh
#   2. release             Release build with warnings as errors, then ctest
#   3. sanitizers          ASan + UBSan build, then ctest
#   4. python              pytest on bindings/python/tests      (when bindings/python exists)
#   5. reference           pytest on tests/reference            (when it exists)
#   6. fuzz                clang libFuzzer targets, each run briefly (when tests/fuzz exists)
# Stops at the first failure. Build trees live under build/ and are reused between runs.
#
# Environment knobs (all optional):
#   SAFEGUARD_JOBS          parallel build and test jobs (default 2)
#   SAFEGUARD_FUZZ_SECONDS  seconds per fuzz target (default 30)
#   SAFEGUARD_SANITIZE_BUILD_TYPE  build type of the sanitizer tree (default Debug: -O0 builds
#                                  several times faster with ASan than -O2)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

jobs="${SAFEGUARD_JOBS:-2}"
fuzz_seconds="${SAFEGUARD_FUZZ_SECONDS:-30}"
sanitize_build_type="${SAFEGUARD_SANITIZE_BUILD_TYPE:-Debug}"
python=/usr/bin/python3
release_dir="${root}/build/test-release"
sanitize_dir="${root}/build/test-asan"
fuzz_dir="${root}/build/test-fuzz"
log_dir="${root}/build/test-logs"

summary=()     # one line per finished stage, printed at the end
total_passed=0 # tests passed over every stage (ctest tests, pytest tests, fuzz targets)
stage_name=""
stage_start=0

# begin_stage NAME DESCRIPTION
begin_stage() {
  stage_name="$1"
  stage_start="${SECONDS}"
  printf '\n==================== safeguard: %s: %s ====================\n' "$1" "$2"
}

# end_stage RESULT: records "<stage>: <result> (<seconds> s)" for the summary.
end_stage() {
  local seconds=$((SECONDS - stage_start))
  summary+=("$(printf '%-13s %-45s %5d s' "${stage_name}" "$1" "${seconds}")")
  printf -- '---- %s finished in %d s\n' "${stage_name}" "${seconds}"
}

# run_ctest BUILD_DIR: runs the tree's tests, keeps CTest's own summary as the last line of
# its output, and adds the number of tests to total_passed.
run_ctest() {
  local build_dir="$1" log count
  log="${log_dir}/$(basename "${build_dir}")-ctest.log"
  ctest --test-dir "${build_dir}" --output-on-failure -j "${jobs}" --no-tests=error 2>&1 |
    tee "${log}"
  count="$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9][0-9]*\).*/\1/p' "${log}")"
  total_passed=$((total_passed + ${count:-0}))
  ctest_result="${count:-0} tests passed"
}

# run_pytest NAME DIR [pytest args...]: runs pytest on DIR. A folder without Python files is
# skipped; one with Python files is expected to hold tests, so pytest's exit code 5 ("no tests
# collected") fails the stage like any other failure.
run_pytest() {
  local name="$1" dir="$2" log count status=0
  shift 2
  if [[ -z "$(find "${dir}" -name '*.py' | head -n 1)" ]]; then
    pytest_result="skipped: no Python files in ${dir#"${root}/"}"
    echo "${pytest_result}"
    return 0
  fi
  log="${log_dir}/${name}-pytest.log"
  "${python}" -m pytest -p no:cacheprovider -ra "$@" "${dir}" 2>&1 | tee "${log}" || status=$?
  if [[ ${status} -eq 5 ]]; then
    echo "safeguard: pytest collected no tests in ${dir#"${root}/"}, which has Python files" >&2
  fi
  if [[ ${status} -ne 0 ]]; then
    exit "${status}"
  fi
  count="$(tail -n 1 "${log}" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)"
  total_passed=$((total_passed + ${count:-0}))
  pytest_result="${count:-0} tests passed"
}

# The folder to put on PYTHONPATH for the module built in BUILD_DIR: the parent of the
# `safeguard` package folder holding _safeguard*.so, or the module's own folder when it is
# built outside a package.
python_path_of() {
  local module
  module="$(find "$1" -name '_safeguard*.so' -not -path '*/consumer-prefix/*' | head -n 1)"
  if [[ -z "${module}" ]]; then
    echo "safeguard: bindings/python exists but no _safeguard*.so was built in $1" >&2
    return 1
  fi
  local module_dir
  module_dir="$(dirname "${module}")"
  if [[ -f "${module_dir}/__init__.py" ]]; then
    dirname "${module_dir}"
  else
    echo "${module_dir}"
  fi
}

mkdir -p "${log_dir}"

# ---------------------------------------------------------------------------------------------
begin_stage dependencies "scripts/install-deps.sh"
bash scripts/install-deps.sh
end_stage "installed"

# ---------------------------------------------------------------------------------------------
begin_stage release "Release build, warnings as errors, ctest"
# The Python module is built in this tree too, for the interpreter that runs its tests.
with_python=OFF
python_options=(-DSAFEGUARD_BUILD_PYTHON=OFF)
if [[ -f bindings/python/CMakeLists.txt ]]; then
  with_python=ON
  python_options=(-DSAFEGUARD_BUILD_PYTHON=ON -DPython_EXECUTABLE="${python}"
    -DPYTHON_EXECUTABLE="${python}")
fi
cmake -S . -B "${release_dir}" -DCMAKE_BUILD_TYPE=Release -DSAFEGUARD_WERROR=ON \
  "${python_options[@]}"
cmake --build "${release_dir}" -j "${jobs}"
run_ctest "${release_dir}"
end_stage "${ctest_result}"

# ---------------------------------------------------------------------------------------------
begin_stage sanitizers "ASan + UBSan build (${sanitize_build_type}), ctest"
cmake -S . -B "${sanitize_dir}" -DCMAKE_BUILD_TYPE="${sanitize_build_type}" \
  -DSAFEGUARD_SANITIZE=ON -DSAFEGUARD_WERROR=ON -DSAFEGUARD_BUILD_BENCHMARKS=OFF \
  -DSAFEGUARD_BUILD_PYTHON=OFF
cmake --build "${sanitize_dir}" -j "${jobs}"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  run_ctest "${sanitize_dir}"
end_stage "${ctest_result}"

# The Python stages see the release build: its module, its CLI and its build tree.
export SAFEGUARD_BUILD_DIR="${release_dir}"
export SAFEGUARD_CLI="${release_dir}/safeguard"

# ---------------------------------------------------------------------------------------------
if [[ "${with_python}" == ON ]]; then
  begin_stage python "pytest bindings/python/tests"
  python_path="$(python_path_of "${release_dir}")"
  export PYTHONPATH="${python_path}${PYTHONPATH:+:${PYTHONPATH}}"
  echo "PYTHONPATH=${PYTHONPATH}"
  run_pytest python "${root}/bindings/python/tests"
  end_stage "${pytest_result}"
fi

# ---------------------------------------------------------------------------------------------
if [[ -d tests/reference ]]; then
  begin_stage reference "pytest tests/reference"
  run_pytest reference "${root}/tests/reference"
  end_stage "${pytest_result}"
fi

# ---------------------------------------------------------------------------------------------
if [[ -f tests/fuzz/CMakeLists.txt ]]; then
  begin_stage fuzz "clang libFuzzer targets, ${fuzz_seconds} s each"
  cmake -S . -B "${fuzz_dir}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
    -DSAFEGUARD_BUILD_FUZZERS=ON -DSAFEGUARD_BUILD_TESTS=OFF -DSAFEGUARD_BUILD_BENCHMARKS=OFF \
    -DSAFEGUARD_BUILD_CLI=OFF -DSAFEGUARD_BUILD_PYTHON=OFF
  cmake --build "${fuzz_dir}" -j "${jobs}"
  fuzzers=0
  shopt -s nullglob
  for fuzzer in "${fuzz_dir}"/fuzzers/*; do
    [[ -x "${fuzzer}" && -f "${fuzzer}" ]] || continue
    name="$(basename "${fuzzer}")"
    # libFuzzer writes new inputs to the first corpus folder and only reads the seeds.
    corpus=("${fuzz_dir}/corpus/${name}")
    mkdir -p "${corpus[0]}"
    if [[ -d "tests/fuzz/corpus/${name}" ]]; then
      corpus+=("${root}/tests/fuzz/corpus/${name}")
    fi
    options=(-max_total_time="${fuzz_seconds}" -timeout=10 -rss_limit_mb=2048
      -print_final_stats=1 -artifact_prefix="${fuzz_dir}/crash-${name}-")
    if [[ -f "tests/fuzz/${name}.dict" ]]; then
      options+=(-dict="${root}/tests/fuzz/${name}.dict")
    fi
    log="${log_dir}/fuzz-${name}.log"
    echo "fuzzing ${name} for ${fuzz_seconds} s (log: ${log#"${root}/"})"
    if ! "${fuzzer}" "${options[@]}" "${corpus[@]}" >"${log}" 2>&1; then
      tail -n 60 "${log}"
      echo "safeguard: fuzz target ${name} failed; the input is in ${fuzz_dir}/crash-${name}-*" >&2
      exit 1
    fi
    grep -E '^(Done|stat::number_of_executed_units)' "${log}" || tail -n 3 "${log}"
    fuzzers=$((fuzzers + 1))
  done
  shopt -u nullglob
  total_passed=$((total_passed + fuzzers))
  end_stage "${fuzzers} fuzz targets ran without a finding"
fi

# ---------------------------------------------------------------------------------------------
printf '\n==================== safeguard: summary ====================\n'
printf '%s\n' "${summary[@]}"
echo "safeguard: ${total_passed} passed, 0 failed"
echo "safeguard: all test stages passed"
