#!/usr/bin/env bash
# The Wine suite: the broker's Win32 desktop on real (Wine 8.0) user32, end to end.
#   1. installs Wine (idempotent) and makes two fresh headless prefixes: one hosts the long-running broker, the
#      other is for tests that own a whole desktop (they may end its session);
#   2. publishes NotifyBroker.Server, tests/Win32Helper and tests/Wine/Stranger for win-x64, self-contained;
#   3. starts the broker under Wine on 127.0.0.1 port 0 with a fresh random admin key (--Security:AdminKey, which the
#      tests send as "authorization: Bearer <key>") and waits (bounded) for its readiness line, which tells its port;
#   4. runs the Category=Wine tests of tests/NotifyBroker.Windows.Tests against it (NB_WINE_* tell them where);
#   5. stops everything it started and appends "wine <passed> <failed>" to $NB_RESULTS.
# Exits 0 when the tests ran (whatever their outcome); non-zero only when the suite could not run at all.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=wine-env.sh
source "$REPO/tests/Wine/wine-env.sh"
WORK="${NB_WINE_WORK:-$(mktemp -d /tmp/nb-wine.XXXXXX)}"
RESULTS_FILE="${NB_RESULTS:-$WORK/results.txt}"
LOG="$WORK/suite.log"
mkdir -p "$WORK"
: >"$LOG"

say() { echo "[wine-suite] $*" | tee -a "$LOG" >&2; }

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
nb_wine_install || { say "could not install Wine"; exit 1; }
say "$(wine --version)"
readonly NB_WINE_SERVER_START_TIMEOUT_S=180   # a cold .NET start under Wine is slow

say "creating prefixes under $WORK"
nb_wine_prefix "$WORK/prefix-isolated" || { say "wineboot failed (isolated prefix)"; exit 1; }
nb_wine_prefix "$WORK/prefix-server" || { say "wineboot failed (server prefix)"; exit 1; }

say "publishing the broker and the helper for win-x64"
dotnet publish "$REPO/src/NotifyBroker.Server/NotifyBroker.Server.csproj" -c Release -r win-x64 --self-contained \
  -o "$WORK/server" -m:1 >>"$LOG" 2>&1 || { say "publishing the server failed (see $LOG)"; exit 1; }
dotnet publish "$REPO/tests/Win32Helper/Win32Helper.csproj" -c Release -r win-x64 --self-contained \
  -o "$WORK/helper" -m:1 >>"$LOG" 2>&1 || { say "publishing the helper failed (see $LOG)"; exit 1; }
dotnet publish "$REPO/tests/Wine/Stranger/Stranger.csproj" -c Release -r win-x64 --self-contained \
  -o "$WORK/stranger" -m:1 >>"$LOG" 2>&1 || { say "publishing the stranger failed (see $LOG)"; exit 1; }

# The broker's admin key for this run only (43 URL-safe characters); never logged.
NB_WINE_ADMIN_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '=\n' | tr '+/' '-_')"
export NB_WINE_ADMIN_KEY

# Port 0: the kernel picks the port while the broker holds it, so no other process can take it in between, and the
# address comes from the broker's own readiness line (on the wine process's stdout), never from someone else's listener.
say "starting the broker under Wine on 127.0.0.1:0"
WINEPREFIX="$WORK/prefix-server" wine "$WORK/server/NotifyBroker.Server.exe" --urls "http://127.0.0.1:0" \
  "--Security:AdminKey=$NB_WINE_ADMIN_KEY" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
SERVER_URL=""
deadline=$((SECONDS + NB_WINE_SERVER_START_TIMEOUT_S))
while ((SECONDS < deadline)); do
  SERVER_URL="$(nb_ready_url "$WORK/server.out")"
  [[ -n "$SERVER_URL" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
if [[ -n "$SERVER_URL" ]]; then
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

TRX="$WORK/trx/wine.trx"
if [[ ! -f "$TRX" ]]; then
  say "no test results were written"
  exit 1
fi
counters="$(grep -o '<Counters [^>]*>' "$TRX" | head -1)"
passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
# Anything that neither passed nor failed (not executed, aborted) counts as failed: nothing may pass silently.
failed=$(( ${total:-0} - ${passed:-0} ))
echo "wine ${passed:-0} ${failed}" >>"$RESULTS_FILE"
say "wine ${passed:-0} passed, ${failed} failed (log: $LOG)"
exit 0
