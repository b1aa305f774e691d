#!/usr/bin/env bash
# HTTP suite: the JSON API (JSON transcoding) with curl against the real broker, on its HTTP/1.1 endpoint
# (--HttpApi:Url=http://127.0.0.1:0, its address from the "NotifyBroker HTTP: listening on ..." line): send,
# broadcast, aliases, `curl -N` on GET /v1/subscribe receiving a live event sent after it started, each error class
# with its HTTP status and ErrorInfo reason (JSON parsed with python3), the OpenAPI document. A second broker with a
# call rate of one a second for the 429 + Retry-After check.
#
# Convention (tests/run-all.sh): installs curl if missing, appends "http-curl <passed> <failed>" to $NB_RESULTS and
# exits 0 even when checks fail; non-zero only when it could not run at all. A broker that does not become ready
# counts as one failure. Assumes `dotnet build NotifyBroker.sln -c Release` ran.
set -uo pipefail

readonly SUITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_ROOT="$(cd "$SUITE_DIR/../.." && pwd)"
# shellcheck source=../lib/suite.sh
source "$REPO_ROOT/tests/lib/suite.sh"
readonly HOST_DLL="$REPO_ROOT/src/NotifyBroker.Server/bin/Release/net10.0/NotifyBroker.Server.dll"
readonly HOST_START_TIMEOUT_S=120
readonly HOST_STOP_TIMEOUT_S=15

WORK_DIR="$(mktemp -d -t nb-http.XXXXXX)"
readonly WORK_DIR
suite_init http "$WORK_DIR"
PASSED=0
FAILED=0
PIDS=()

log() { suite_log "$@"; }
pass() { PASSED=$((PASSED + 1)); log "ok   $1"; }
fail() { FAILED=$((FAILED + 1)); log "FAIL $1${2:+: $2}"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

ADMIN_KEY="nbk_http$(head -c 24 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
readonly ADMIN_KEY

if ! command -v curl >/dev/null; then
  suite_apt_install curl || { log "could not install curl"; exit 1; }
fi
command -v python3 >/dev/null || { log "python3 is needed"; exit 1; }
[[ -f $HOST_DLL ]] || { log "build first: $HOST_DLL is missing"; exit 1; }

http_address() { sed -n 's|.*NotifyBroker HTTP: listening on \(http://127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$1" 2>/dev/null | head -n 1; }

# start_broker <name> [settings...]: prints the HTTP address once ready.
start_broker() {
  local name=$1; shift
  mkdir -p "$WORK_DIR/$name"
  dotnet "$HOST_DLL" --urls http://127.0.0.1:0 --HttpApi:Url=http://127.0.0.1:0 --Desktop:Kind=InMemory \
    --Security:AdminKey="$ADMIN_KEY" --Security:KeysFile="$WORK_DIR/$name/keys.json" \
    --Security:CredentialsFile="$WORK_DIR/$name/credentials.json" "$@" >"$WORK_DIR/$name/out" 2>&1 &
  PIDS+=("$!")
  suite_wait_ready "$!" "$HOST_START_TIMEOUT_S" http_address "$WORK_DIR/$name/out"
}

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do suite_stop_process "$pid" "$HOST_STOP_TIMEOUT_S" broker >/dev/null; done
  rm -rf "$WORK_DIR"
}
trap cleanup EXIT

# call <method> <url> [body] [key]: writes the body to $WORK_DIR/body, prints the HTTP status.
call() {
  local method=$1 url=$2 body=${3:-} key=${4-$ADMIN_KEY}
  local args=(-s -o "$WORK_DIR/body" -w '%{http_code}' -X "$method" -D "$WORK_DIR/headers")
  [[ -n $key ]] && args+=(-H "Authorization: Bearer $key")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  curl "${args[@]}" "$url"
}

# json <python expression on j>: evaluates it on the last body.
json() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$WORK_DIR/body" 2>/dev/null; }

# error_is <status> <expected http> <reason>: the last call answered that status with an ErrorInfo of that reason.
error_is() {
  local got=$1 want=$2 reason=$3 actual
  actual=$(json "[d['reason'] for d in j['details'] if d['@type']=='type.googleapis.com/google.rpc.ErrorInfo' and d['domain']=='notify.v1'][0]")
  [[ $got == "$want" && $actual == "$reason" ]] || { log "  got HTTP $got reason '$actual': $(head -c 300 "$WORK_DIR/body")"; return 1; }
}

if ! H=$(start_broker main); then
  fail "broker ready"; tail -n 40 "$WORK_DIR/main/out" | suite_indent
  suite_record http-curl "$PASSED" "$FAILED"; exit 0
fi
log "broker HTTP endpoint $H"

status=$(call POST "$H/v1/aliases" '{"name":"tail"}')
check "add alias" test "$status" = 200

# curl -N: the stream is printed as it arrives, one JSON object a line.
curl -sN -H "Authorization: Bearer $ADMIN_KEY" "$H/v1/subscribe?aliases=tail&keepalive_interval=60s" >"$WORK_DIR/stream" &
TAIL_PID=$!
opened() { grep -q '"open"' "$WORK_DIR/stream"; }
for _ in $(seq 1 150); do opened && break; sleep 0.2; done
check "subscribe opens (open event flushed)" opened

status=$(call POST "$H/v1/send" '{"msgName":"tail","text":"live over curl"}')
check "send" test "$status" = 200
check "send path is the alias" test "$(json "j['path']")" = SEND_PATH_ALIAS
received() { grep -q '"text":"live over curl"' "$WORK_DIR/stream"; }
for _ in $(seq 1 150); do received && break; sleep 0.2; done
check "curl -N subscriber receives the live event" received
kill "$TAIL_PID" 2>/dev/null; wait "$TAIL_PID" 2>/dev/null

status=$(call POST "$H/v1/broadcast" '{"registeredName":"NotifyBroker.Curl","recipients":8}')
check "broadcast" test "$status" = 200

status=$(call GET "$H/v1/aliases")
check "list aliases" test "$status" = 200

long=$(python3 -c 'print("x"*2000)')
status=$(call POST "$H/v1/send" "{\"msgName\":\"tail\",\"text\":\"$long\"}")
check "400 text too long is ERROR_INVALID_PARAMETER" error_is "$status" 400 ERROR_INVALID_PARAMETER

status=$(call DELETE "$H/v1/aliases/nobody")
check "404 NERR_NameNotFound" error_is "$status" 404 NERR_NameNotFound

status=$(call POST "$H/v1/aliases" '{"name":"tail"}')
check "409 NERR_AlreadyExists (a Win32/NERR failure)" error_is "$status" 409 NERR_AlreadyExists

status=$(call POST "$H/v1/send" '{"msgName":"tail","text":"x"}' "")
check "401 without a key is CREDENTIALS_MISSING" error_is "$status" 401 CREDENTIALS_MISSING

status=$(call POST "$H/v1/send" '{"msgName":"tail","text":"x"}' "nbk_000000000000_not-a-real-secret")
check "401 with a wrong key is CREDENTIALS_INVALID" error_is "$status" 401 CREDENTIALS_INVALID

call POST "$H/v1/keys" '{"name":"reader","scopes":["notify:subscribe"]}' >/dev/null
READER=$(json "j['secret']")
status=$(call POST "$H/v1/send" '{"msgName":"tail","text":"x"}' "$READER")
check "403 without the scope is SCOPE_REQUIRED" error_is "$status" 403 SCOPE_REQUIRED
check "403 names the scope" test "$(json "j['details'][0]['metadata']['scope']")" = notify:send

status=$(call GET "$H/openapi/v1.json" "" "")
check "OpenAPI document served anonymously" test "$status" = 200
check "OpenAPI lists /v1/send" test "$(json "'/v1/send' in j['paths']")" = True

if L=$(start_broker limited --Security:RateLimits:CallsPerSecond=1 --Security:RateLimits:CallBurst=1); then
  call POST "$L/v1/keys" '{"name":"slow","scopes":["notify:aliases"]}' >/dev/null
  SLOW=$(json "j['secret']")
  # One call a second with a burst of one: of many calls in a row, one is refused.
  status=200
  for _ in $(seq 1 50); do
    status=$(call GET "$L/v1/aliases" "" "$SLOW")
    [[ $status == 429 ]] && break
  done
  check "429 over the call rate is RATE_LIMITED" error_is "$status" 429 RATE_LIMITED
  check "429 carries Retry-After" grep -qi '^retry-after: [0-9]' "$WORK_DIR/headers"
else
  fail "rate-limited broker ready"
fi

suite_record http-curl "$PASSED" "$FAILED"
exit 0
