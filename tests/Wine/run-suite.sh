#!/usr/bin/env bash
# The Wine suite: the broker's Win32 desktop on real (Wine 8.0) user32, end to end.
#   1. installs Wine (idempotent; tests/lib/suite.sh, one apt-get update per run) and makes two fresh headless
#      prefixes: one hosts the long-running broker, the other is for tests that own a whole desktop (they may end its
#      session);
#   2. publishes NotifyBroker.Server, tests/Win32Helper and tests/Wine/Stranger for win-x64, self-contained, with
#      tests/Wine/runtimeconfig.wine.json as their runtimeconfig template (W^X off, see below);
#   3. starts the broker under Wine on 127.0.0.1 port 0 with a fresh random admin key (--Security:AdminKey, which the
#      tests send as "authorization: Bearer <key>") and waits (bounded) for its readiness line, which tells its port;
#   4. runs the Category=Wine tests of tests/NotifyBroker.Windows.Tests against it (NB_WINE_* tell them where), among
#      them WineLoadTests: 20,000 mixed RPCs against one broker process while a subscriber hears every broadcast;
#   5. stops everything it started and appends "wine <passed> <failed>" to $NB_RESULTS. The long-running broker
#      having died by then counts one more failure (its stderr is logged).
# Exits 0 when the tests ran (whatever their outcome); non-zero only when the suite could not run at all.
#
# Why W^X is off under Wine: with the .NET runtime's default W^X double mapping, a Wine-hosted .NET 10 process dies
# with "Fatal error. Internal CLR error. (0x80131506)" in DynamicResolver+DestroyScout.Finalize after a few hundred
# RPCs, when the GC collects a dynamic method (reflection invoke stubs, compiled expression trees, routing's IL-emitted
# jump tables). Wine maps everything below 2 GB (coreclr.dll at 0x01600000), and there the optimizing JIT hits a
# noway_assert (exception 0x02345678 with CORJIT_RECOVERABLEERROR, hundreds per run, on an address it would encode as
# 32-bit absolute that the runtime also calls rel32-reachable) and compiles the method again with MinOpts: under Wine
# every dynamic method ends up MinOpts, on Linux FullOpts. With W^X, code and its header reach the code heap only when
# the JIT is done (copied from a scratch buffer), and the block the dynamic method's resolver records is left all
# zeros; collecting the method then reads its unwind info through that zero header. Without W^X the header is written
# in place and the same recompiles are harmless. System.Runtime.EnableWriteXorExecute=false in the runtimeconfig is
# DOTNET_EnableWriteXorExecute=0 travelling with the program; the publish a Windows user makes (README) keeps the
# default.
#
# Environment:
#   NB_RESULTS              results file to append to (default: <work dir>/results)
#   NB_APT_UPDATE_MARKER    file whose existence means "apt-get update already ran in this run" (set by run-all.sh)
#   NB_WINE_WORK            scratch folder (default: a fresh /tmp/nb-wine.XXXXXX)
#   NB_WINE_RUNTIMECONFIG   the runtimeconfig template of the win-x64 publishes (default tests/Wine/runtimeconfig.wine.json;
#                           empty: the projects' own, i.e. W^X on, which reproduces the crash under WineLoadTests)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=wine-env.sh
source "$REPO/tests/Wine/wine-env.sh"
WORK="${NB_WINE_WORK:-$(mktemp -d /tmp/nb-wine.XXXXXX)}"
mkdir -p "$WORK"
suite_init wine "$WORK"
LOG="$WORK/suite.log"
: >"$LOG"
readonly NB_WINE_SERVER_START_TIMEOUT_S=180   # a cold .NET start under Wine is slow
readonly NB_WINE_SERVER_STOP_TIMEOUT_S=20
readonly RUNTIMECONFIG="${NB_WINE_RUNTIMECONFIG-$REPO/tests/Wine/runtimeconfig.wine.json}"

say() { suite_log "$*" | tee -a "$LOG"; }

SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null
  fi
  for prefix in "$WORK/prefix-server" "$WORK/prefix-isolated"; do
    [[ -d "$prefix" ]] && WINEPREFIX="$prefix" wineserver -k 2>/dev/null
  done
}
trap cleanup EXIT

say "installing Wine"
nb_wine_install >>"$LOG" 2>&1 || { say "could not install Wine (see $LOG)"; exit 1; }
say "$(wine --version 2>/dev/null)"

say "creating prefixes under $WORK"
nb_wine_prefix "$WORK/prefix-isolated" || { say "wineboot failed (isolated prefix)"; exit 1; }
nb_wine_prefix "$WORK/prefix-server" || { say "wineboot failed (server prefix)"; exit 1; }

PUBLISH_ARGS=(-c Release -r win-x64 --self-contained -m:1)
if [[ -n "$RUNTIMECONFIG" ]]; then
  PUBLISH_ARGS+=("-p:UserRuntimeConfig=$RUNTIMECONFIG")
  say "publishing the broker and the helpers for win-x64 (runtimeconfig template: ${RUNTIMECONFIG#"$REPO"/})"
else
  say "publishing the broker and the helpers for win-x64 (NB_WINE_RUNTIMECONFIG is empty: the projects' own runtimeconfig, W^X on)"
fi
dotnet publish "$REPO/src/NotifyBroker.Server/NotifyBroker.Server.csproj" "${PUBLISH_ARGS[@]}" \
  -o "$WORK/server" >>"$LOG" 2>&1 || { say "publishing the server failed (see $LOG)"; exit 1; }
dotnet publish "$REPO/tests/Win32Helper/Win32Helper.csproj" "${PUBLISH_ARGS[@]}" \
  -o "$WORK/helper" >>"$LOG" 2>&1 || { say "publishing the helper failed (see $LOG)"; exit 1; }
dotnet publish "$REPO/tests/Wine/Stranger/Stranger.csproj" "${PUBLISH_ARGS[@]}" \
  -o "$WORK/stranger" >>"$LOG" 2>&1 || { say "publishing the stranger failed (see $LOG)"; exit 1; }

# The broker's admin key for this run only (43 URL-safe characters); never logged.
NB_WINE_ADMIN_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '=\n' | tr '+/' '-_')"
export NB_WINE_ADMIN_KEY

# Port 0: the kernel picks the port while the broker holds it, so no other process can take it in between, and the
# address comes from the broker's own readiness line (on the wine process's stdout), never from someone else's listener.
say "starting the broker under Wine on 127.0.0.1:0"
WINEPREFIX="$WORK/prefix-server" wine "$WORK/server/NotifyBroker.Server.exe" --urls "http://127.0.0.1:0" \
  "--Security:AdminKey=$NB_WINE_ADMIN_KEY" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
if SERVER_URL="$(suite_wait_ready "$SERVER_PID" "$NB_WINE_SERVER_START_TIMEOUT_S" nb_ready_url "$WORK/server.out")"; then
  say "broker is ready on $SERVER_URL"
  export NB_WINE_SERVER_URL="$SERVER_URL"
else
  # The tests that need the long-running broker then fail saying NB_WINE_SERVER_URL is not set; the others still run.
  say "broker did not become ready within ${NB_WINE_SERVER_START_TIMEOUT_S} s (see $WORK/server.out, $WORK/server.err); running the tests anyway"
fi

export NB_WINE_HELPER="$WORK/helper/Win32Helper.exe"
export NB_WINE_STRANGER="$WORK/stranger/Stranger.exe"
export NB_WINE_SERVER_EXE="$WORK/server/NotifyBroker.Server.exe"
export NB_WINE_PREFIX="$WORK/prefix-server"
export NB_WINE_ISOLATED_PREFIX="$WORK/prefix-isolated"

say "running the Category=Wine tests"
rm -rf "$WORK/trx"
dotnet test "$REPO/tests/NotifyBroker.Windows.Tests/NotifyBroker.Windows.Tests.csproj" -c Release \
  --filter "Category=Wine" --logger "trx;LogFileName=wine.trx" --results-directory "$WORK/trx" 2>&1 | tee -a "$LOG"

# The long-running broker must have lived through every test: one that died counts as one more failure.
broker_died=0
if [[ -n "$SERVER_URL" ]]; then
  if ! suite_stop_process "$SERVER_PID" "$NB_WINE_SERVER_STOP_TIMEOUT_S" "broker"; then
    broker_died=1
    say "the long-running broker died during the tests (counted as 1 failed); its stderr ends with:"
    tail -n 20 "$WORK/server.err" | suite_indent | tee -a "$LOG"
  fi
fi
SERVER_PID=""

TRX="$WORK/trx/wine.trx"
if [[ ! -f "$TRX" ]]; then
  say "no test results were written"
  exit 1
fi
counters="$(grep -o '<Counters [^>]*>' "$TRX" | head -1)"
passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
# Anything that neither passed nor failed (not executed, aborted) counts as failed: nothing may pass silently.
failed=$(( ${total:-0} - ${passed:-0} + broker_died ))
suite_record wine "${passed:-0}" "$failed" | tee -a "$LOG"
say "log: $LOG"
exit 0
