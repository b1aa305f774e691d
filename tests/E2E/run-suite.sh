#!/usr/bin/env bash
# E2E suite: the README tour (subscribe, add alias, send, broadcast a registered message, receive both, resume without
# gap, errors with their Win32 details) plus the contract's edges (recovered=false resumes, SLOW_CONSUMER with its
# decoded details, WM_COPYDATA bytes, since replay, keepalives, foreign server_name) run by a Node client (grpc-js, contract loaded from protos/) against the real
# broker host, started here on 127.0.0.1 port 0 (its readiness line tells the port the kernel gave it).
#
# Convention (tests/run-all.sh): installs what it needs (idempotent), appends one line "e2e-node <passed> <failed>" to
# $NB_RESULTS and exits 0 even when checks fail; non-zero only when it could not run at all. Each check counts as a test;
# a client that dies before its summary, or a host that dies during the run, counts as one more failure.
# Assumes `dotnet build NotifyBroker.sln -c Release` ran.
set -uo pipefail

readonly SUITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_ROOT="$(cd "$SUITE_DIR/../.." && pwd)"
readonly HOST_DLL="$REPO_ROOT/src/NotifyBroker.Server/bin/Release/net10.0/NotifyBroker.Server.dll"
readonly HOST_START_TIMEOUT_S=120   # a cold first start JITs a lot
readonly HOST_STOP_TIMEOUT_S=15
readonly CLIENT_TIMEOUT_S=300       # every check bounds its own waits; this only guards a wedged client

WORK_DIR="$(mktemp -d -t nb-e2e.XXXXXX)"
readonly WORK_DIR
RESULTS_FILE="${NB_RESULTS:-$WORK_DIR/results}"
HOST_PID=""

log() { printf '[e2e] %s\n' "$*"; }
record() { printf 'e2e-node %d %d\n' "$1" "$2" >>"$RESULTS_FILE"; log "result: e2e-node $1 passed, $2 failed"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  local marker="${NB_APT_UPDATE_MARKER:-$WORK_DIR/apt-updated}"
  if [[ ! -e $marker ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update || log "apt-get update exited $? (ignored)"
    touch "$marker"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
}

# The address the host really listens on, from its readiness line ("NotifyBroker ready: listening on http://...").
# The host binds port 0, so the kernel picks the port while the host holds it: no other process can take it between
# choosing and binding, and the readiness line can only come from our own host.
ready_address() {
  sed -n 's|.*NotifyBroker ready: listening on http://\(127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$1" 2>/dev/null | head -n 1
}

stop_host() {
  [[ -z $HOST_PID ]] && return 0
  local was_alive=0
  kill -0 "$HOST_PID" 2>/dev/null && was_alive=1
  kill -TERM "$HOST_PID" 2>/dev/null
  local deadline=$((SECONDS + HOST_STOP_TIMEOUT_S))
  while kill -0 "$HOST_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$HOST_PID" 2>/dev/null; then
    log "host pid $HOST_PID did not stop within ${HOST_STOP_TIMEOUT_S} s; killing it"
    kill -KILL "$HOST_PID" 2>/dev/null
  fi
  wait "$HOST_PID" 2>/dev/null
  HOST_PID=""
  [[ $was_alive -eq 1 ]]
}

cleanup() {
  stop_host >/dev/null 2>&1
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

main() {
  log "results file: $RESULTS_FILE"
  if [[ ! -f $HOST_DLL ]]; then
    log "host not built: $HOST_DLL (run dotnet build NotifyBroker.sln -c Release first)"
    return 1
  fi
  ensure_node || { log "could not install node"; return 1; }
  log "npm ci (tests/E2E/node)"
  (cd "$SUITE_DIR/node" && npm ci --no-audit --no-fund --loglevel=error) || { log "npm ci failed"; return 1; }

  local address="" host_out="$WORK_DIR/host.out"
  log "starting the broker on 127.0.0.1:0 (the kernel picks the port)"
  # A small subscriber queue so that a stream the client stops reading overflows after a few events (slow consumer).
  dotnet "$HOST_DLL" --urls "http://127.0.0.1:0" --Broker:SubscriberQueueCapacity=8 >"$host_out" 2>&1 &
  HOST_PID=$!

  local deadline=$((SECONDS + HOST_START_TIMEOUT_S))
  until address=$(ready_address "$host_out") && [[ -n $address ]]; do
    if ! kill -0 "$HOST_PID" 2>/dev/null || ((SECONDS >= deadline)); then
      log "the broker did not become ready; its output:"
      sed 's/^/[e2e]   /' "$host_out"
      stop_host
      record 0 1
      return 0
    fi
    sleep 0.2
  done
  log "broker ready on $address (pid $HOST_PID)"

  local out="$WORK_DIR/client.out"
  timeout --kill-after=10 "$CLIENT_TIMEOUT_S" node "$SUITE_DIR/node/tour.js" --address "$address" 2>&1 | tee "$out" | sed 's/^/[node] /'
  local passed failed
  passed=$(grep -c '^PASS ' "$out")
  failed=$(grep -c '^FAIL ' "$out")
  if ! grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$out"; then
    log "the client ended without its summary line: counting one more failure"
    failed=$((failed + 1))
  fi
  if ! stop_host; then
    log "the broker died during the run (one more failure); its output:"
    tail -n 60 "$host_out" | sed 's/^/[e2e]   /'
    failed=$((failed + 1))
  elif [[ $failed -gt 0 ]]; then
    log "broker output (last lines):"
    tail -n 40 "$host_out" | sed 's/^/[e2e]   /'
  fi
  record "$passed" "$failed"
}

main
