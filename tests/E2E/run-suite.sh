#!/usr/bin/env bash
# E2E suite: the README tour (subscribe, add alias, send, broadcast a registered message, receive both, resume without
# gap, errors with their Win32 details) plus the contract's edges (recovered=false resumes, SLOW_CONSUMER with its
# decoded details, WM_COPYDATA bytes, since replay, keepalives, foreign server_name) run by a Node client (grpc-js, contract loaded from protos/) against the real
# broker host, started here on 127.0.0.1 port 0 (its readiness line tells the port the kernel gave it).
# Then the security checks from the same kind of client (node/security.js: no credentials, wrong and revoked keys,
# JWTs, scopes, the broadcast policy, alias ownership) against that broker, and the per-identity rate limits
# (node/rate-limits.js) against a second broker started with tiny limits. Last, the README's JavaScript gRPC-Web
# snippet (node/grpc-web/grpc-web.js, Connect-ES, its own npm package and generated code) against a third broker's
# HTTP/1.1 endpoint (--HttpApi:Url on port 0, its "NotifyBroker HTTP: listening on" line tells the port).
#
# Identity: each broker gets a random admin key per run (--Security:AdminKey, handed to the clients in
# NB_E2E_ADMIN_KEY) and its key store and credentials file in this run's scratch folder, so nothing is written into
# the user's home. The first broker also accepts HS256 JWTs (a random signing key per run, NB_E2E_JWT_*).
#
# Convention (tests/run-all.sh): installs what it needs (idempotent), appends one line "e2e-node <passed> <failed>" to
# $NB_RESULTS and exits 0 even when checks fail; non-zero only when it could not run at all. Each check counts as a test;
# a client that dies before its summary, a host that does not become ready or dies during the run, counts as one more
# failure.
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
# Started brokers: name -> pid, and the order to report them in.
declare -A HOST_PIDS=()
HOST_NAMES=()
PASSED=0
FAILED=0

log() { suite_log "$@"; }
record() { suite_record e2e-node "$1" "$2"; }

# A random secret per run: <bytes> random bytes, base64 (the JWT signing key) or base64url without padding (a key).
random_base64() { head -c "$1" /dev/urandom | base64 -w0; }
random_key() { random_base64 "$1" | tr '+/' '-_' | tr -d '='; }

export NB_E2E_ADMIN_KEY NB_E2E_JWT_SIGNING_KEY NB_E2E_JWT_ISSUER NB_E2E_JWT_AUDIENCE
NB_E2E_ADMIN_KEY="e2e_$(random_key 32)"
NB_E2E_JWT_SIGNING_KEY="$(random_base64 32)"
NB_E2E_JWT_ISSUER="https://issuer.e2e.notifybroker.invalid"
NB_E2E_JWT_AUDIENCE="notifybroker-e2e"

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

# The HTTP/1.1 endpoint's address, from "NotifyBroker HTTP: listening on http://127.0.0.1:NNNN (...)".
http_address() {
  sed -n 's|.*NotifyBroker HTTP: listening on \(http://127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$1" 2>/dev/null | head -n 1
}

host_out() { printf '%s/%s/host.out' "$WORK_DIR" "$1"; }

# start_host <name> [broker options...]: starts a broker on 127.0.0.1:0 with the run's admin key and its own key
# store and credentials file under $WORK_DIR/<name>/ (never the per-user defaults).
start_host() {
  local name=$1
  shift
  mkdir -p "$WORK_DIR/$name"
  dotnet "$HOST_DLL" --urls "http://127.0.0.1:0" \
    "--Security:AdminKey=$NB_E2E_ADMIN_KEY" \
    "--Security:KeysFile=$WORK_DIR/$name/keys.json" \
    "--Security:CredentialsFile=$WORK_DIR/$name/credentials.json" \
    "$@" >"$(host_out "$name")" 2>&1 &
  HOST_PIDS[$name]=$!
  HOST_NAMES+=("$name")
}

# wait_host <name>: prints the host's address once it is ready (its log lines go to stderr, as this runs in $(...)).
# On failure, logs the host's output and returns 1.
wait_host() {
  local name=$1 address
  if ! address=$(suite_wait_ready "${HOST_PIDS[$name]}" "$HOST_START_TIMEOUT_S" ready_address "$(host_out "$name")"); then
    {
      log "the $name broker did not become ready (one failure); its output:"
      suite_indent <"$(host_out "$name")"
    } >&2
    return 1
  fi
  log "$name broker ready on $address (pid ${HOST_PIDS[$name]})" >&2
  printf '%s' "$address"
}

# stop_host <name>: SIGTERM, SIGKILL after HOST_STOP_TIMEOUT_S. Returns 1 if it had already died.
stop_host() {
  local name=$1 pid=${HOST_PIDS[$1]:-}
  [[ -z $pid ]] && return 0
  local alive=0
  suite_stop_process "$pid" "$HOST_STOP_TIMEOUT_S" "$name host" && alive=1
  HOST_PIDS[$name]=""
  [[ $alive -eq 1 ]]
}

cleanup() {
  local name
  for name in "${HOST_NAMES[@]}"; do stop_host "$name" >/dev/null 2>&1; done
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_client <script> [args...]: runs one node client and adds its PASS/FAIL lines to the counts; a client that ends
# without its summary line counts one more failure.
run_client() {
  local script=$1 out
  shift
  out="$WORK_DIR/$(basename "$script" .js).out"
  log "node $script $*"
  timeout --kill-after=10 "$CLIENT_TIMEOUT_S" node "$SUITE_DIR/node/$script" "$@" 2>&1 | tee "$out" | sed 's/^/[node] /'
  local passed failed
  passed=$(grep -c '^PASS ' "$out")
  failed=$(grep -c '^FAIL ' "$out")
  if ! grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$out"; then
    log "$script ended without its summary line: counting one more failure"
    failed=$((failed + 1))
  fi
  PASSED=$((PASSED + passed))
  FAILED=$((FAILED + failed))
}

# finish_host <name>: stops it; one more failure (and its output) if it died during the run, its last lines if any
# check failed.
finish_host() {
  local name=$1
  if ! stop_host "$name"; then
    log "the $name broker died during the run (one more failure); its output:"
    tail -n 60 "$(host_out "$name")" | suite_indent
    FAILED=$((FAILED + 1))
  elif [[ $FAILED -gt 0 ]]; then
    log "$name broker output (last lines):"
    tail -n 40 "$(host_out "$name")" | suite_indent
  fi
}

main() {
  log "results file: $RESULTS_FILE"
  if [[ ! -f $HOST_DLL ]]; then
    log "host not built: $HOST_DLL (run dotnet build NotifyBroker.sln -c Release first)"
    return 1
  fi
  ensure_node || { log "could not install node"; return 1; }
  log "npm ci (tests/E2E/node)"
  (cd "$SUITE_DIR/node" && npm ci --no-audit --no-fund --loglevel=error) || { log "npm ci failed"; return 1; }
  log "npm ci and generate (tests/E2E/node/grpc-web)"
  command -v protoc >/dev/null || { suite_apt_update_once; suite_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends protobuf-compiler; }
  (cd "$SUITE_DIR/node/grpc-web" && npm ci --no-audit --no-fund --loglevel=error && bash generate.sh) || { log "grpc-web npm ci or generate failed"; return 1; }

  log "starting three brokers on 127.0.0.1:0 (the kernel picks the ports): main, limits (tiny rate limits), and web (the HTTP endpoint too)"
  # main: a small subscriber queue so that a stream the client stops reading overflows after a few events (slow
  # consumer); JWTs from the run's issuer; a per-identity alias quota of 3 and WM_USER+1 lifted from the
  # always-refused messages, both as security.js expects.
  start_host main --Broker:SubscriberQueueCapacity=8 \
    "--Security:Jwt:SigningKey=$NB_E2E_JWT_SIGNING_KEY" \
    "--Security:Jwt:Issuer=$NB_E2E_JWT_ISSUER" \
    "--Security:Jwt:Audience=$NB_E2E_JWT_AUDIENCE" \
    --Broker:MaxAliasesPerIdentity=3 \
    "--Broker:Policy:AllowAlwaysRefused:0=WM_USER+1"
  # limits: as rate-limits.js expects.
  start_host limits --Security:RateLimits:CallsPerSecond=1 --Security:RateLimits:CallBurst=2 --Security:RateLimits:OpenStreams=1
  # web: defaults plus the HTTP/1.1 endpoint, for grpc-web.js.
  start_host web --HttpApi:Url=http://127.0.0.1:0

  local main_address="" limits_address=""
  # A broker that is not ready is one failure; it is stopped here, so that finish_host does not count it again.
  main_address=$(wait_host main) || { FAILED=$((FAILED + 1)); stop_host main; }
  limits_address=$(wait_host limits) || { FAILED=$((FAILED + 1)); stop_host limits; }

  if [[ -n $main_address ]]; then
    run_client tour.js --address "$main_address"
    run_client security.js --address "$main_address"
    # The admin key is given in configuration, so the broker must not have made one of its own.
    if [[ -e $WORK_DIR/main/credentials.json ]]; then
      log "FAIL the broker wrote a credentials file although Security:AdminKey was given"
      FAILED=$((FAILED + 1))
    fi
  fi
  [[ -n $limits_address ]] && run_client rate-limits.js --address "$limits_address"
  local web_http=""
  if wait_host web >/dev/null; then
    web_http=$(http_address "$(host_out web)")
    if [[ -n $web_http ]]; then
      run_client grpc-web/grpc-web.js --address "$web_http"
    else
      log "FAIL the web broker printed no 'NotifyBroker HTTP: listening on' line"
      FAILED=$((FAILED + 1))
    fi
  else
    FAILED=$((FAILED + 1)); stop_host web
  fi

  local name
  for name in "${HOST_NAMES[@]}"; do finish_host "$name"; done
  record "$PASSED" "$FAILED"
}

main
