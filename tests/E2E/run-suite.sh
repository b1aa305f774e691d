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
# shellcheck source=../lib/suite.sh
source "$REPO_ROOT/tests/lib/suite.sh"
readonly HOST_DLL="$REPO_ROOT/src/NotifyBroker.Server/bin/Release/net10.0/NotifyBroker.Server.dll"
readonly HOST_START_TIMEOUT_S=120   # a cold first start JITs a lot
readonly HOST_STOP_TIMEOUT_S=15
readonly CLIENT_TIMEOUT_S=300       # every check bounds its own waits; this only guards a wedged client

WORK_DIR="$(mktemp -d -t nb-e2e.XXXXXX)"
readonly WORK_DIR
suite_init e2e "$WORK_DIR"
readonly RESULTS_FILE="$SUITE_RESULTS_FILE"
HOST_PID=""

log() { suite_log "$@"; }
record() { suite_record e2e-node "$1" "$2"; }

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  suite_apt_update_once
  suite_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
}

# The address the host really listens on, from its readiness line ("NotifyBroker ready: listening on http://...").
# The host binds port 0, so the kernel picks the port while the host holds it: no other process can take it between
# choosing and binding, and the readiness line can only come from our own host.
ready_address() {
  sed -n 's|.*NotifyBroker ready: listening on http://\(127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$1" 2>/dev/null | head -n 1
}

# Stops the host (SIGTERM, SIGKILL after HOST_STOP_TIMEOUT_S). Returns 1 if it had already died.
stop_host() {
  [[ -z $HOST_PID ]] && return 0
  local alive=0
  suite_stop_process "$HOST_PID" "$HOST_STOP_TIMEOUT_S" host && alive=1
  HOST_PID=""
  [[ $alive -eq 1 ]]
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

  if ! address=$(suite_wait_ready "$HOST_PID" "$HOST_START_TIMEOUT_S" ready_address "$host_out"); then
    log "the broker did not become ready; its output:"
    suite_indent <"$host_out"
    stop_host
    record 0 1
    return 0
  fi
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
    tail -n 60 "$host_out" | suite_indent
    failed=$((failed + 1))
  elif [[ $failed -gt 0 ]]; then
    log "broker output (last lines):"
    tail -n 40 "$host_out" | suite_indent
  fi
  record "$passed" "$failed"
}

main
