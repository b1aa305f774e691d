#!/usr/bin/env bash
# Interop suite: gRPC clients nobody here wrote (grpc-js from npm, Debian's python3-grpcio and libgrpc++) aimed at the
# real broker's notify.v1.Notifier. Each client generates or loads its code from protos/notify/v1/notifier.proto and
# proves over the wire: health (grpc.health.v1), reflection (grpc.reflection v1, and v1alpha from Node), Send to a
# held alias, Broadcast of a registered message to a filtered stream, resume after a disconnect without gap or
# duplicate, errors with their google.rpc.ErrorInfo (NERR_NameNotFound, ERROR_INVALID_PARAMETER), gzip in both
# directions, and that a Subscribe ended by its deadline or by cancellation is released on the server (ListAliases
# holders back to 0).
#
# Each run gets a fresh broker: `dotnet $BROKER_DLL --urls http://127.0.0.1:0 --Grpc:ResponseCompression=gzip
# --Security:AdminKey=<a key made for this suite run>`, on port 0 so that the kernel picks the port while the broker
# holds it; its readiness line tells which. Its key store and credentials file go to the suite's scratch folder. Every
# client call carries that key (NB_TOKEN, `authorization: Bearer <key>`).
#
# Node and Python run a second time over TLS ("-tls"): the broker listens on https://127.0.0.1:0 with a self-signed
# certificate made here by openssl (EC P-256, CN=localhost, SANs localhost, 127.0.0.1, ::1) and given as
# Kestrel:Certificates:Default:Path/KeyPath (PEM); the client trusts only that certificate (--tls-ca), sends the key
# as call credentials, runs every case over TLS plus its tls_* cases (ALPN h2 and nothing else, a client that does
# not trust the certificate and a plaintext client both refused).
#
# Convention (tests/run-all.sh): installs what it needs (idempotent), appends one line per run to $NB_RESULTS:
#   interop-node, interop-node-tls, interop-python, interop-python-tls, interop-cpp, each "<name> <passed> <failed>"
# and exits 0 even when cases fail; non-zero only when it could not run at all. Each case counts as one test; a client
# that cannot be built or ends without its summary line, and a broker that dies during a run, count one more failure.
#
# Assumes `dotnet build NotifyBroker.sln -c Release` ran. Environment:
#   NB_RESULTS            results file to append to (default: a temp file, printed at the end)
#   NB_APT_UPDATE_MARKER  file whose existence means "apt-get update already ran in this run" (set by run-all.sh)
#   NB_BROKER_DLL         the broker to test (default: src/NotifyBroker.Server/bin/Release/net10.0/NotifyBroker.Server.dll)
#   INTEROP_CLIENTS       subset of "node node-tls python python-tls cpp" to run (default: all)
set -uo pipefail

readonly SUITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_ROOT="$(cd "$SUITE_DIR/../.." && pwd)"
# shellcheck source=../lib/suite.sh
source "$REPO_ROOT/tests/lib/suite.sh"
readonly BROKER_DLL="${NB_BROKER_DLL:-$REPO_ROOT/src/NotifyBroker.Server/bin/Release/net10.0/NotifyBroker.Server.dll}"
# python3-grpc-tools generates the Python code; protobuf-compiler(-grpc) are its fallback and build the C++ client.
readonly APT_PACKAGES=(grpc-proto python3-grpcio python3-protobuf python3-grpc-tools protobuf-compiler
  protobuf-compiler-grpc libgrpc++-dev libprotobuf-dev pkg-config cmake g++ make openssl)
readonly BROKER_START_TIMEOUT_S=120   # first start on a cold machine JITs a lot
readonly BROKER_STOP_TIMEOUT_S=15
readonly CLIENT_TIMEOUT_S=600         # every case bounds its own waits; this only guards a wedged client
readonly CPP_BUILD_TIMEOUT_S=900

WORK_DIR="$(mktemp -d -t nb-interop.XXXXXX)"
readonly WORK_DIR
suite_init interop "$WORK_DIR"
readonly RESULTS_FILE="$SUITE_RESULTS_FILE"
BROKER_PID=""
BROKER_PORT=""
# The broker's admin key for this suite run; every client sends it as "authorization: Bearer <key>".
ADMIN_KEY="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
readonly ADMIN_KEY
export NB_TOKEN="$ADMIN_KEY"
readonly TLS_DIR="$WORK_DIR/tls"
readonly TLS_CERT="$TLS_DIR/broker.crt"
readonly TLS_KEY="$TLS_DIR/broker.key"

log() { suite_log "$@"; }
record() { suite_record "$@"; }

# ---------------------------------------------------------------------------------------------------------------------
# Tools

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  suite_apt_install nodejs npm
}

install_node_packages() {
  log "npm ci (tests/Interop/node)"
  ensure_node && (cd "$SUITE_DIR/node" && npm ci --no-audit --no-fund --loglevel=error)
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

# The self-signed certificate of the TLS runs, as an operator would make one (the README's recipe).
make_certificate() {
  [[ -s $TLS_CERT && -s $TLS_KEY ]] && return 0
  mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" -addext "extendedKeyUsage=serverAuth" \
    -keyout "$TLS_KEY" -out "$TLS_CERT" >"$TLS_DIR/openssl.log" 2>&1 || {
    log "openssl could not make the test certificate:"
    suite_indent <"$TLS_DIR/openssl.log"
    return 1
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# The broker under test

# The port in the broker's readiness line ("NotifyBroker ready: listening on http(s)://127.0.0.1:<port> ..."), or
# nothing before that line is written.
ready_port() {
  sed -n 's|.*NotifyBroker ready: listening on https\{0,1\}://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$1" 2>/dev/null | head -n 1
}

# start_broker <run> [tls]: starts a fresh broker for one run (h2c, or TLS with the test certificate). Sets BROKER_PID
# and BROKER_PORT; returns non-zero (with the broker's output logged) if it does not come up in time.
start_broker() {
  local out="$WORK_DIR/broker-$1.out"
  local listen=(--urls "http://127.0.0.1:0")
  if [[ ${2:-} == tls ]]; then
    listen=(--urls "https://127.0.0.1:0" "--Kestrel:Certificates:Default:Path=$TLS_CERT"
      "--Kestrel:Certificates:Default:KeyPath=$TLS_KEY")
  fi
  dotnet "$BROKER_DLL" "${listen[@]}" --Grpc:ResponseCompression=gzip "--Security:AdminKey=$ADMIN_KEY" \
    "--Security:KeysFile=$WORK_DIR/keys-$1.json" "--Security:CredentialsFile=$WORK_DIR/credentials-$1" >"$out" 2>&1 &
  BROKER_PID=$!
  BROKER_PORT=$(suite_wait_ready "$BROKER_PID" "$BROKER_START_TIMEOUT_S" ready_port "$out")
  case $? in
    0) ;;
    1)
      log "the broker exited before its readiness line; its output:"
      suite_indent <"$out"
      stop_broker
      return 1 ;;
    *)
      log "the broker did not print 'NotifyBroker ready: listening on http(s)://127.0.0.1:<port>' within" \
        "${BROKER_START_TIMEOUT_S} s; its output:"
      suite_indent <"$out"
      stop_broker
      return 1 ;;
  esac
  log "broker for $1 listening on 127.0.0.1:$BROKER_PORT (pid $BROKER_PID)"
}

# Stops the broker (SIGTERM, SIGKILL after BROKER_STOP_TIMEOUT_S). Returns 1 if it had already died.
stop_broker() {
  [[ -z $BROKER_PID ]] && return 0
  local alive=0
  suite_stop_process "$BROKER_PID" "$BROKER_STOP_TIMEOUT_S" broker && alive=1
  BROKER_PID=""
  [[ $alive -eq 1 ]]
}

cleanup() {
  stop_broker >/dev/null 2>&1
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

# run_client <client> [tls]: runs one client against a fresh broker and records "interop-<client>[-tls] P F".
run_client() {
  local client=$1 mode=${2:-}
  local run="$client${mode:+-$mode}"
  local suite="interop-$run" out="$WORK_DIR/client-$run.out" broker_log="$WORK_DIR/broker-$run.out"
  local tls_args=()
  if [[ $mode == tls ]]; then
    if ! make_certificate; then
      record "$suite" 0 1
      return
    fi
    tls_args=(--tls-ca "$TLS_CERT")
  fi
  if ! start_broker "$run" "$mode"; then
    record "$suite" 0 1
    return
  fi
  log "running the $client client${mode:+ over TLS}"
  # shellcheck disable=SC2046
  timeout --kill-after=10 "$CLIENT_TIMEOUT_S" $(client_command "$client") --host 127.0.0.1 --port "$BROKER_PORT" \
    "${tls_args[@]}" 2>&1 | tee "$out" | sed "s/^/[$run] /"
  local rc=${PIPESTATUS[0]}
  local passed failed summary
  passed=$(grep -c '^PASS ' "$out")
  failed=$(grep -c '^FAIL ' "$out")
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
  if [[ -z $summary ]]; then
    log "$client client ended without its summary line (exit $rc): counting that as one more failure"
    failed=$((failed + 1))
  fi
  if ! stop_broker; then
    log "the broker died during the $run run (counted as one failure); its output:"
    tail -n 60 "$broker_log" | suite_indent
    failed=$((failed + 1))
  elif [[ $failed -gt 0 ]]; then
    log "broker output during the $run run (last lines):"
    tail -n 40 "$broker_log" | suite_indent
  fi
  record "$suite" "$passed" "$failed"
}

# ---------------------------------------------------------------------------------------------------------------------

main() {
  log "results file: $RESULTS_FILE"
  if [[ ! -f $BROKER_DLL ]]; then
    log "broker not built: $BROKER_DLL (run dotnet build NotifyBroker.sln -c Release first, or set NB_BROKER_DLL)"
    return 1
  fi
  if ! suite_apt_install "${APT_PACKAGES[@]}"; then
    log "could not install the Debian packages the clients need"
    return 1
  fi

  local clients=(${INTEROP_CLIENTS:-node node-tls python python-tls cpp}) client node_ready=""
  for client in "${clients[@]}"; do
    case $client in
      node | node-tls)
        if [[ -z $node_ready ]]; then
          if install_node_packages; then node_ready=yes; else log "npm ci failed"; node_ready=no; fi
        fi
        if [[ $node_ready == yes ]]; then
          if [[ $client == node ]]; then run_client node; else run_client node tls; fi
        else
          record "interop-$client" 0 1
        fi ;;
      python)
        run_client python ;;
      python-tls)
        run_client python tls ;;
      cpp)
        if build_cpp_client; then run_client cpp; else record interop-cpp 0 1; fi ;;
      *)
        log "unknown client '$client'"; return 1 ;;
    esac
  done
  [[ -z ${NB_RESULTS:-} ]] && { log "results:"; suite_indent <"$RESULTS_FILE"; }
  return 0
}

main "$@"
