#!/usr/bin/env bash
# Runs every test of NotifyBroker: `bash tests/run-all.sh` (on a machine that has only the .NET SDK; the extra suites
# install their own tools).
#
#   1. dotnet build NotifyBroker.sln -c Release          (once; everything after uses this build)
#   2. dotnet test -c Release --no-build --filter "Category!=Wine&Category!=Browser&Category!=Redis" for each test project of NotifyBroker.sln,
#      counted per project from its TRX file
#   3. every tests/*/run-suite.sh (see the convention in each): each appends "<suite> <passed> <failed>" lines to
#      $NB_RESULTS; a suite that cannot run (non-zero exit, or no line) counts as 1 failed
#   4. a per-suite table, then as the very last line "<passed> passed, <failed> failed" over everything
#
# Exits non-zero if anything failed.
set -uo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SUITE_TIMEOUT_S=2400          # a suite bounds its own waits; this only stops a wedged one
readonly DOTNET_TEST_HANG_TIMEOUT=10m  # a test that hangs this long aborts its test run (counted as failed)

RUN_DIR="$(mktemp -d -t nb-run-all.XXXXXX)"
readonly RUN_DIR
export NB_RESULTS="$RUN_DIR/results"
export NB_APT_UPDATE_MARKER="$RUN_DIR/apt-updated"  # suites run apt-get update at most once per run
export DEBIAN_FRONTEND=noninteractive
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
: >"$NB_RESULTS"
trap 'rm -rf "$RUN_DIR"' EXIT

log() { printf '[run-all] %s\n' "$*"; }
SECTION_STARTED=$SECONDS
section() {
  ((SECONDS > SECTION_STARTED)) && log "(previous step took $((SECONDS - SECTION_STARTED)) s)"
  SECTION_STARTED=$SECONDS
  printf '\n[run-all] ==== %s ====\n' "$*"
}
python() { if [[ -x /usr/bin/python3 ]]; then /usr/bin/python3 "$@"; else python3 "$@"; fi; }

cd "$REPO_ROOT" || exit 1

# ---------------------------------------------------------------------------------------------------------------------
section "build (dotnet build NotifyBroker.sln -c Release)"
if ! dotnet build NotifyBroker.sln -c Release -nologo; then
  log "BUILD FAILED: nothing was tested. Fix the build errors above."
  echo "0 passed, 1 failed"
  exit 1
fi

# ---------------------------------------------------------------------------------------------------------------------
# Wine, Browser and Redis tests need tools (wine64, chromium, redis-server) that their own suites under tests/ install.
section "dotnet test (Category!=Wine&Category!=Browser&Category!=Redis), one run per test project"
# One `dotnet test` per test project of the solution (IsTestProject=true): each gets its own TRX file and exit code,
# so counts are attributed to the right project and a crashed test host cannot hide behind another project's results.
TRX_DIR="$RUN_DIR/trx"
mapfile -t SOLUTION_PROJECTS < <(dotnet sln NotifyBroker.sln list | grep -E '\.csproj$')
for project in "${SOLUTION_PROJECTS[@]}"; do
  [[ $(dotnet msbuild "$project" -getProperty:IsTestProject -nologo 2>/dev/null) == true ]] || continue
  name="$(basename "$project" .csproj)"
  log "dotnet test $project"
  dotnet test "$project" -c Release --no-build --nologo --filter "Category!=Wine&Category!=Browser&Category!=Redis" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$TRX_DIR" \
    --blame-hang-timeout "$DOTNET_TEST_HANG_TIMEOUT" --blame-hang-dump-type none
  rc=$?
  # passed = Counters@passed; failed = failed + error + timeout + aborted. A non-zero exit without any failed test
  # (crashed or aborted test host, missing TRX) is one failure: such a run is not a pass.
  python - "$TRX_DIR/$name.trx" "$name" "$rc" >>"$NB_RESULTS" <<'PY' || echo "dotnet:$name 0 1" >>"$NB_RESULTS"
import sys
import xml.etree.ElementTree as ET

path, name, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = 0
try:
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        raise ValueError("no ResultSummary/Counters")
    get = lambda key: int(counters.get(key, 0))
    passed = get("passed")
    failed = get("failed") + get("error") + get("timeout") + get("aborted")
except (OSError, ET.ParseError, ValueError) as err:
    print(f"[run-all] no usable TRX for {name} ({err})", file=sys.stderr)
if rc != 0 and failed == 0:
    print(f"[run-all] dotnet test of {name} exited {rc} without a failed test in its results: counted as 1 failed",
          file=sys.stderr)
    failed = 1
print(f"dotnet:{name} {passed} {failed}")
PY
done

# ---------------------------------------------------------------------------------------------------------------------
for suite_script in "$REPO_ROOT"/tests/*/run-suite.sh; do
  [[ -f $suite_script ]] || continue
  suite_dir="$(basename "$(dirname "$suite_script")")"
  section "suite $suite_dir (tests/$suite_dir/run-suite.sh)"
  lines_before=$(wc -l <"$NB_RESULTS")
  timeout --kill-after=30 "$SUITE_TIMEOUT_S" bash "$suite_script"
  rc=$?
  lines_after=$(wc -l <"$NB_RESULTS")
  if [[ $rc -ne 0 ]]; then
    log "suite $suite_dir could not run (exit $rc): counted as 1 failed"
    echo "${suite_dir,,}-could-not-run 0 1" >>"$NB_RESULTS"
  elif [[ $lines_after -eq $lines_before ]]; then
    log "suite $suite_dir reported no results: counted as 1 failed"
    echo "${suite_dir,,}-no-results 0 1" >>"$NB_RESULTS"
  fi
done

# ---------------------------------------------------------------------------------------------------------------------
section "summary (all steps took ${SECONDS} s)"
awk '
  NF == 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ {
    printf "  %-48s %6d passed %6d failed\n", $1, $2, $3; passed += $2; failed += $3; next
  }
  NF > 0 { printf "  malformed result line (counted as 1 failed): %s\n", $0; failed += 1 }
  END {
    printf "  %-48s %6d passed %6d failed\n", "TOTAL", passed, failed
    printf "%d passed, %d failed\n", passed, failed
    exit (failed > 0 || passed == 0) ? 1 : 0
  }' "$NB_RESULTS"
