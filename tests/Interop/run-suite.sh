#!/usr/bin/env bash
# Interop suite: gRPC clients nobody here wrote (grpc-js from npm, Debian's python3-grpcio and libgrpc++) run the
# grpc/grpc interop cases against our C# interop host (tests/Interop/NotifyBroker.Interop.TestHost).
#
# Convention (tests/run-all.sh): installs what it needs (idempotent), appends one line per client to $NB_RESULTS:
#   interop-node <passed> <failed>, interop-python <passed> <failed>, interop-cpp <passed> <failed>
# and exits 0 even when cases fail; non-zero only when it could not run at all. Each case counts as one test; a client
# that cannot be built or dies early counts its missing cases as one failure.
#
# Assumes `dotnet build NotifyBroker.sln -c Release` ran. Environment:
#   NB_RESULTS            results file to append to (default: a temp file, printed at the end)
#   NB_APT_UPDATE_MARKER  file whose existence means "apt-get update already ran in this run" (set by run-all.sh)
#   INTEROP_HOST_CMD      shell command that starts a server instead of the C# host (for checking the clients
#                         themselves); it must print "listening on http://127.0.0.1:<port>" and stop on SIGTERM
#   INTEROP_CLIENTS       subset of "node python cpp" to run (default: all)
set -uo pipefail

readonly SUITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_ROOT="$(cd "$SUITE_DIR/../.." && pwd)"
# shellcheck source=../lib/suite.sh
source "$REPO_ROOT/tests/lib/suite.sh"
readonly HOST_DLL="$SUITE_DIR/NotifyBroker.Interop.TestHost/bin/Release/net10.0/NotifyBroker.Interop.TestHost.dll"
readonly APT_PACKAGES=(grpc-proto python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc
  libgrpc++-dev libprotobuf-dev pkg-config cmake g++ make)
readonly HOST_START_TIMEOUT_S=120   # first start on a cold machine JITs a lot
readonly HOST_STOP_TIMEOUT_S=15
readonly CLIENT_TIMEOUT_S=600       # every case bounds its own waits; this only guards a wedged client
readonly CPP_BUILD_TIMEOUT_S=900

WORK_DIR="$(mktemp -d -t nb-interop.XXXXXX)"
readonly WORK_DIR
suite_init interop "$WORK_DIR"
readonly RESULTS_FILE="$SUITE_RESULTS_FILE"
HOST_PID=""
HOST_STDIN_FD=""

log() { suite_log "$@"; }
record() { suite_record "$@"; }

# ---------------------------------------------------------------------------------------------------------------------
# Tools

install_node_packages() {
  log "npm ci (tests/Interop/node)"
  (cd "$SUITE_DIR/node" && npm ci --no-audit --no-fund --loglevel=error)
}

build_cpp_client() {
  log "building the C++ client (cmake, Release)"
  timeout "$CPP_BUILD_TIMEOUT_S" cmake -S "$SUITE_DIR/cpp" -B "$SUITE_DIR/cpp/build" -DCMAKE_BUILD_TYPE=Release >"$WORK_DIR/cpp-build.log" 2>&1 &&
    timeout "$CPP_BUILD_TIMEOUT_S" cmake --build "$SUITE_DIR/cpp/build" -j "$(nproc)" >>"$WORK_DIR/cpp-build.log" 2>&1
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    log "C++ client build failed (exit $rc); last lines of the build log:"
    tail -n 40 "$WORK_DIR/cpp-build.log" | suite_indent
  fi
  return $rc
}

# ---------------------------------------------------------------------------------------------------------------------
# The server under test

# The host's command line as shell text (INTEROP_HOST_CMD may quote its words).
host_command() {
  if [[ -n ${INTEROP_HOST_CMD:-} ]]; then
    printf '%s' "$INTEROP_HOST_CMD"
  else
    printf 'dotnet %q --port 0 --exit-on-stdin-close' "$HOST_DLL"
  fi
}

# The port in the host's "listening on http://127.0.0.1:<port>" line, or nothing before that line is written.
listening_port() {
  local line
  line=$(grep -m1 -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$1" 2>/dev/null)
  printf '%s' "${line##*:}"
}

# Starts the host with its stdin on a fifo we hold open: if this script dies, the fifo closes and the host exits.
# Sets HOST_PID and HOST_PORT; returns non-zero (with the host's output logged) if it does not come up in time.
start_host() {
  local name=$1
  local out="$WORK_DIR/host-$name.out" fifo="$WORK_DIR/host-$name.stdin"
  mkfifo "$fifo"
  # exec: $! is then the host itself, which stop_host signals.
  bash -c "exec $(host_command)" <"$fifo" >"$out" 2>&1 &
  HOST_PID=$!
  exec {HOST_STDIN_FD}>"$fifo"
  HOST_PORT=$(suite_wait_ready "$HOST_PID" "$HOST_START_TIMEOUT_S" listening_port "$out")
  case $? in
    0) ;;
    1)
      log "host exited before listening; its output:"
      suite_indent <"$out"
      stop_host
      return 1 ;;
    *)
      log "host did not print 'listening on http://127.0.0.1:<port>' within ${HOST_START_TIMEOUT_S} s; its output:"
      suite_indent <"$out"
      stop_host
      return 1 ;;
  esac
  log "host for $name listening on 127.0.0.1:$HOST_PORT (pid $HOST_PID)"
}

# Stops the host (stdin close + SIGTERM, SIGKILL after HOST_STOP_TIMEOUT_S). Returns 1 if it had already died.
stop_host() {
  [[ -z $HOST_PID ]] && return 0
  local was_alive=0
  kill -0 "$HOST_PID" 2>/dev/null && was_alive=1
  if [[ -n $HOST_STDIN_FD ]]; then
    exec {HOST_STDIN_FD}>&-
    HOST_STDIN_FD=""
  fi
  suite_stop_process "$HOST_PID" "$HOST_STOP_TIMEOUT_S" host
  HOST_PID=""
  [[ $was_alive -eq 1 ]]
}

cleanup() {
  stop_host >/dev/null 2>&1
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------------------
# Clients

client_command() {
  case $1 in
    node) echo "node $SUITE_DIR/node/interop-client.js" ;;
    python) echo "/usr/bin/python3 $SUITE_DIR/python/interop_client.py" ;;
    cpp) echo "$SUITE_DIR/cpp/build/interop_client" ;;
  esac
}

# Runs one client against a fresh host and records "interop-<client> P F".
run_client() {
  local client=$1 suite="interop-$1"
  local out="$WORK_DIR/client-$client.out"
  if ! start_host "$client"; then
    record "$suite" 0 1
    return
  fi
  log "running the $client client"
  # shellcheck disable=SC2046
  timeout --kill-after=10 "$CLIENT_TIMEOUT_S" $(client_command "$client") --host 127.0.0.1 --port "$HOST_PORT" \
    {HOST_STDIN_FD}>&- 2>&1 | tee "$out" | sed "s/^/[$client] /"
  local rc=${PIPESTATUS[0]}
  local passed failed summary
  passed=$(grep -c '^PASS ' "$out")
  failed=$(grep -c '^FAIL ' "$out")
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
  if [[ -z $summary ]]; then
    log "$client client ended without its summary line (exit $rc): counting that as one more failure"
    failed=$((failed + 1))
  fi
  local host_log="$WORK_DIR/host-$client.out"
  if ! stop_host; then
    log "the host died during the $client run (counted as one failure); its output:"
    tail -n 60 "$host_log" | suite_indent
    failed=$((failed + 1))
  elif [[ $failed -gt 0 ]]; then
    log "host output during the $client run (last lines):"
    tail -n 40 "$host_log" | suite_indent
  fi
  record "$suite" "$passed" "$failed"
}

# ---------------------------------------------------------------------------------------------------------------------

main() {
  log "results file: $RESULTS_FILE"
  if [[ -z ${INTEROP_HOST_CMD:-} && ! -f $HOST_DLL ]]; then
    log "interop host not built: $HOST_DLL (run dotnet build NotifyBroker.sln -c Release first)"
    return 1
  fi
  if ! suite_apt_install "${APT_PACKAGES[@]}"; then
    log "could not install the Debian packages the clients need"
    return 1
  fi

  local clients=(${INTEROP_CLIENTS:-node python cpp}) client
  for client in "${clients[@]}"; do
    case $client in
      node)
        if install_node_packages; then run_client node; else log "npm ci failed"; record interop-node 0 1; fi ;;
      python)
        run_client python ;;
      cpp)
        if build_cpp_client; then run_client cpp; else record interop-cpp 0 1; fi ;;
      *)
        log "unknown client '$client'"; return 1 ;;
    esac
  done
  [[ -z ${NB_RESULTS:-} ]] && { log "results:"; suite_indent "$RESULTS_FILE"; }
  return 0
}

main "$@"
