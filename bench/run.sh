#!/usr/bin/env bash
# Throughput of the gRPC stack (Grpc.AspNetCore) against a bare-Kestrel ceiling measured in the same run, with h2load
# (nghttp2) as the load generator over loopback: the bench server's nbbench.v1.Bench service ("ours") and, for unary
# calls, the real broker host (BrokerHost, notify.v1.Notifier/ListAliases). Prints a markdown table and writes it to
# bench/results/latest.md.
#
# Usage: bench/run.sh [unary|stream|all|routing]   (default: all = unary + stream; see bench/README.md)
# Knobs (environment):
#   NB_BENCH_DURATION=6       measured seconds per case (h2load -D)
#   NB_BENCH_WARMUP=2         unmeasured seconds per case first, so the JIT has tiered up
#   NB_BENCH_ROUNDS=2         bare/ours alternate this many times per scenario; the best of each is reported
#   NB_BENCH_GC=server        server | workstation (sets DOTNET_gcServer for the bench server)
#   NB_BENCH_STREAM_COUNT=10000 NB_BENCH_STREAM_FLUSH=100   messages per streaming call, messages per flush
#   NB_BENCH_NO_BUILD=1       skip the Release build
#   NB_BENCH_ALLOC_PROFILE=1  sample allocations by type during each measured run and add them to the report
#                             (costs a little CPU: compare rates only between runs with the same setting)
#   NB_BENCH_KEY=             the admin key the broker host is started with and its calls carry (default: random per run)
# Identity: the broker host runs with its authentication on, as users get it, started with an admin key
# (Security__AdminKey in its environment; admin keys are not rate-limited) and its key store and credentials file in
# this run's temporary directory; every ListAliases call carries "authorization: Bearer <key>", so the per-call key
# lookup is in its figures. Before timing, it must refuse the call without a key (UNAUTHENTICATED).
set -euo pipefail

scenario="${1:-all}"
case "$scenario" in unary|stream|all|routing) ;; *) echo "usage: $0 [unary|stream|all|routing]" >&2; exit 2 ;; esac

duration="${NB_BENCH_DURATION:-6}"
warmup="${NB_BENCH_WARMUP:-2}"
rounds="${NB_BENCH_ROUNDS:-2}"
gc_mode="${NB_BENCH_GC:-server}"
stream_count="${NB_BENCH_STREAM_COUNT:-10000}"
stream_flush="${NB_BENCH_STREAM_FLUSH:-100}"

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
server_project="$bench_dir/NotifyBroker.Bench.Server/NotifyBroker.Bench.Server.csproj"
server_dll="$bench_dir/NotifyBroker.Bench.Server/bin/Release/net10.0/NotifyBroker.Bench.Server.dll"
results_dir="$bench_dir/results"
work="$(mktemp -d)"
server_pid=""
notifier_pid=""

stop_pid() { # bounded: TERM, up to 10 s, then KILL
  local p=$1
  [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
cleanup() {
  stop_pid "$server_pid"
  stop_pid "$notifier_pid"
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "[bench] $*" >&2; }

# The broker host's admin key for this run: random unless given. It reaches the server through the environment and
# curl through a header file (mode 0600); h2load can only take it as -H on its command line.
bench_key="${NB_BENCH_KEY:-nbbench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
(( ${#bench_key} >= 16 )) || { echo "NB_BENCH_KEY must have at least 16 characters" >&2; exit 2; }
mkdir -p "$work/identity"
(umask 077; printf 'authorization: Bearer %s\n' "$bench_key" >"$work/identity/authorization.header")

# --- tools ----------------------------------------------------------------------------------------------------------
if ! command -v h2load >/dev/null; then
  log "installing nghttp2-client (h2load)"
  apt-get update >/dev/null 2>&1 || true   # may exit 100 on one bad index; the install below is what matters
  apt-get install -y nghttp2-client >/dev/null
fi
clk_tck="$(getconf CLK_TCK)"

# --- server ---------------------------------------------------------------------------------------------------------
if [[ "${NB_BENCH_NO_BUILD:-}" != 1 ]]; then
  log "building the bench server (Release)"
  dotnet build "$server_project" -c Release -m:1 --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi

case "$gc_mode" in
  server) export DOTNET_gcServer=1 ;;
  workstation) export DOTNET_gcServer=0 ;;
  *) echo "NB_BENCH_GC must be server or workstation" >&2; exit 2 ;;
esac
# Tiered PGO is on by default in .NET 10; nothing else is tuned (no affinity, no inline socket completions), so the
# figures are what a default deployment of the server gets.
server_args=(--port 0)
[[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 ]] && server_args+=(--alloc-profile)
wait_for_port() { # pid log -> prints the port the server printed ("listening <port>")
  local p=""
  for _ in $(seq 1 300); do
    p="$(awk '/^listening /{print $2}' "$2")"
    [[ -n "$p" ]] && break
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$p" ]] || { echo "server did not start" >&2; cat "$2" >&2; exit 1; }
  echo "$p"
}
dotnet "$server_dll" "${server_args[@]}" >"$work/server.log" 2>&1 &
server_pid=$!
port="$(wait_for_port "$server_pid" "$work/server.log")"
base="http://127.0.0.1:$port"
log "bench server pid $server_pid on $base (GC: $gc_mode)"
notifier_base=""
if [[ "$scenario" == unary || "$scenario" == all ]]; then
  # The real broker host, as NotifyBroker.Server builds it (BrokerHost), inside the bench server so /stats works.
  Security__AdminKey="$bench_key" dotnet "$server_dll" "${server_args[@]}" --notifier \
    "--Security:KeysFile=$work/identity/keys.json" "--Security:CredentialsFile=$work/identity/credentials.json" \
    >"$work/notifier.log" 2>&1 &
  notifier_pid=$!
  notifier_port="$(wait_for_port "$notifier_pid" "$work/notifier.log")"
  notifier_base="http://127.0.0.1:$notifier_port"
  log "notifier (BrokerHost) pid $notifier_pid on $notifier_base"
fi

# --- request bodies (framed protobuf, written byte by byte so no tool is needed) --------------------------------------
# Echo: StringValue{value="hello"} = 0a 05 'hello' (7 bytes) behind the 5-byte prefix.
printf '\x00\x00\x00\x00\x07\x0a\x05hello' >"$work/echo.bin"
# StreamMessages: StreamRequest{count, flush_every} as two varint fields.
varint() { local v=$1 out=""; while (( v >= 128 )); do out+="$(printf '\\x%02x' $(( (v & 127) | 128 )))"; v=$(( v >> 7 )); done; out+="$(printf '\\x%02x' "$v")"; printf '%s' "$out"; }
stream_request() { # count flush_every file
  local body="\\x08$(varint "$1")\\x10$(varint "$2")"
  local len; len=$(printf "$body" | wc -c)
  printf "\\x00\\x00\\x00\\x00$(printf '\\x%02x' "$len")$body" >"$3"
}
stream_request "$stream_count" "$stream_flush" "$work/stream.bin"
stream_request "$stream_count" 1 "$work/stream-unbuffered.bin"
# ListAliases: ListAliasesRequest{} (server_name empty = local), an empty message behind the prefix.
printf '\x00\x00\x00\x00\x00' >"$work/list-aliases.bin"

# --- correctness gate: every endpoint must answer like a gRPC server before it is timed ----------------------------
check_endpoint() { # path body expected_body_bytes (or "framed": any whole number of framed messages) [base [curl args]]
  local headers="$work/check.headers" body="$work/check.body"
  curl -sS --max-time 30 --http2-prior-knowledge -X POST -H 'content-type: application/grpc' -H 'te: trailers' "${@:5}" \
    --data-binary "@$2" -D "$headers" -o "$body" "${4:-$base}$1"
  local size; size=$(wc -c <"$body")
  local expected=$3
  [[ "$expected" == framed ]] && (( size >= 5 )) && expected=$size
  if ! grep -qi '^grpc-status: 0' "$headers" || [[ "$size" != "$expected" ]]; then
    echo "endpoint $1 answered wrongly (body $size bytes, expected $3):" >&2; cat "$headers" >&2; exit 1
  fi
}
check_endpoint /bare-unary "$work/echo.bin" 12
check_endpoint /bare/unary "$work/echo.bin" 12
check_endpoint /nbbench.v1.Bench/Echo "$work/echo.bin" 12
check_endpoint /bare-stream "$work/stream.bin" $(( stream_count * 23 ))
check_endpoint /nbbench.v1.Bench/StreamMessages "$work/stream.bin" $(( stream_count * 23 ))
if [[ -n "$notifier_base" ]]; then
  # The broker host measured is the one users get, authentication included: no key, no call.
  curl -sS --max-time 30 --http2-prior-knowledge -X POST -H 'content-type: application/grpc' -H 'te: trailers' \
    --data-binary "@$work/list-aliases.bin" -D "$work/check.headers" -o /dev/null "$notifier_base/notify.v1.Notifier/ListAliases"
  if ! grep -qi '^grpc-status: 16' "$work/check.headers"; then
    echo "the broker host answered ListAliases without a key (expected UNAUTHENTICATED); is authentication on?" >&2
    cat "$work/check.headers" >&2; exit 1
  fi
  check_endpoint /notify.v1.Notifier/ListAliases "$work/list-aliases.bin" framed "$notifier_base" -H "@$work/identity/authorization.header"
  log "broker host: authentication on (no key: UNAUTHENTICATED; the run's admin key: OK)"
fi

# --- measuring ------------------------------------------------------------------------------------------------------
# Which process a case runs against: "notifier" is the broker host, every other kind the bench server.
kind_base() { [[ "$1" == notifier ]] && echo "$notifier_base" || echo "$base"; }
# auth_for KIND: sets auth=(h2load arguments); the broker host's calls carry the run's admin key.
auth_for() { auth=(); [[ "$1" == notifier ]] && auth=(-H "authorization: Bearer $bench_key"); return 0; }
kind_pid() { [[ "$1" == notifier ]] && echo "$notifier_pid" || echo "$server_pid"; }
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$(kind_pid "$1")/stat"; }
server_stat() { curl -sS --max-time 30 --http2-prior-knowledge "$(kind_base "$2")/stats" | awk -v k="$1" '$1 == k {print $2}'; }

results="$work/results.tsv"   # label, kind, rate, cpu_us_per_op, alloc_per_op, gen0, failed, client_cpu_s
: >"$results"

# run_case LABEL KIND PATH BODY CLIENTS STREAMS OPS_PER_CALL
run_case() {
  local label=$1 kind=$2 path=$3 body=$4 clients=$5 streams=$6 per_call=$7
  local target auth; target="$(kind_base "$kind")"; auth_for "$kind"
  local h2=(h2load -c "$clients" -m "$streams" -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' "${auth[@]}" "$target$path")
  # Bounded: h2load -D stops itself; timeout catches a hung connection.
  timeout -k 5 $(( warmup + 30 )) "${h2[@]}" -D "$warmup" >/dev/null 2>&1 || true
  local ticks0 alloc0 gen00 ticks1 alloc1 gen01
  [[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 ]] && curl -sS --http2-prior-knowledge "$target/stats/allocations?reset=1" >/dev/null
  ticks0=$(server_cpu_ticks "$kind"); alloc0=$(server_stat allocated_bytes "$kind"); gen00=$(server_stat gen0_collections "$kind")
  local out="$work/h2load.out" client_time="$work/client.time"
  if [[ -x /usr/bin/time ]]; then
    timeout -k 5 $(( duration + 30 )) /usr/bin/time -f '%U %S' -o "$client_time" "${h2[@]}" -D "$duration" >"$out" 2>&1 || true
  else
    timeout -k 5 $(( duration + 30 )) "${h2[@]}" -D "$duration" >"$out" 2>&1 || true; echo "0 0" >"$client_time"
  fi
  [[ -s "$client_time" ]] || echo "0 0" >"$client_time"
  ticks1=$(server_cpu_ticks "$kind"); alloc1=$(server_stat allocated_bytes "$kind"); gen01=$(server_stat gen0_collections "$kind")
  if [[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 ]]; then
    { echo "#### $label — $kind ($path)"; echo; echo '```'
      curl -sS --http2-prior-knowledge "$target/stats/allocations" | head -n 16; echo '```'; echo; } >>"$work/allocations.md"
  fi
  local command; printf -v command ' %q' "${h2[@]}" -D "$duration"
  echo "\$${command//"$bench_key"/<admin key>}" >>"$work/commands.log"   # the report names the key, never shows it
  awk -v label="$label" -v kind="$kind" -v per_call="$per_call" -v tck="$clk_tck" \
      -v ticks=$(( ticks1 - ticks0 )) -v alloc=$(( alloc1 - alloc0 )) -v gen0=$(( gen01 - gen00 )) \
      -v client="$(awk '{print $1 + $2}' "$client_time")" '
    /^finished in/ { elapsed = $3 + 0 }
    /^requests:/   { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^succeeded/) ok = $i; if ($(i+1) ~ /^failed/) failed = $i; if ($(i+1) ~ /^errored/) errored = $i } }
    END {
      ops = ok * per_call
      if (ops == 0 || elapsed == 0) { printf "%s\t%s\t0\t0\t0\t0\t%d\t%.2f\n", label, kind, failed + errored, client; exit }
      printf "%s\t%s\t%.0f\t%.3f\t%.1f\t%d\t%d\t%.2f\n", label, kind, ops / elapsed, ticks * 1e6 / tck / ops, alloc / ops, gen0, failed + errored, client
    }' "$out" >>"$results"
  log "$(tail -n 1 "$results" | awk -F'\t' '{printf "%-28s %-8s %12s ops/s  %7s us/op server CPU  %7s B/op", $1, $2, $3, $4, $5}')"
}

# scenario LABEL BARE_PATH OURS_PATH BODY CLIENTS STREAMS OPS_PER_CALL [NOTIFIER_PATH NOTIFIER_BODY]
scenario() {
  # Tier every endpoint up before the first measured round (the per-case warm-up alone leaves round 1 cold).
  local cases=("bare $2 $4" "ours $3 $4")
  [[ -n "${8:-}" ]] && cases+=("notifier $8 $9")
  local c kind path body auth
  for c in "${cases[@]}"; do
    read -r kind path body <<<"$c"
    auth_for "$kind"
    timeout -k 5 $(( warmup + 30 )) h2load -c "$5" -m "$6" -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' \
      "${auth[@]}" "$(kind_base "$kind")$path" -D "$warmup" >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 "$rounds"); do
    for c in "${cases[@]}"; do
      read -r kind path body <<<"$c"
      run_case "$1" "$kind" "$path" "$body" "$5" "$6" "$7"
    done
  done
}

if [[ "$scenario" == unary || "$scenario" == all ]]; then
  scenario "Unary calls/s (4x100)" /bare-unary /nbbench.v1.Bench/Echo "$work/echo.bin" 4 100 1 \
    /notify.v1.Notifier/ListAliases "$work/list-aliases.bin"
fi
if [[ "$scenario" == routing ]]; then
  # Diagnostic: the bare unary endpoint at a one-segment path vs the same endpoint at a two-segment path, where the
  # gRPC layer's catch-all UNIMPLEMENTED routes are routing candidates as well ("ours" here = bare at /bare/unary).
  scenario "Bare unary, among gRPC catch-alls" /bare-unary /bare/unary "$work/echo.bin" 4 100 1
fi
if [[ "$scenario" == stream || "$scenario" == all ]]; then
  scenario "Streamed msgs/s (flush/$stream_flush)" /bare-stream /nbbench.v1.Bench/StreamMessages "$work/stream.bin" 2 4 "$stream_count"
  scenario "Streamed msgs/s (flush/1)" /bare-stream /nbbench.v1.Bench/StreamMessages "$work/stream-unbuffered.bin" 2 4 "$stream_count"
fi

# --- report ---------------------------------------------------------------------------------------------------------
mkdir -p "$results_dir"
report="$results_dir/latest.md"
{
  echo "## NotifyBroker on Grpc.AspNetCore vs bare Kestrel ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Commit $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo_root" diff --quiet 2>/dev/null || echo ' (+ local changes)');" \
       "$(nproc) cores ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)), shared by server and load generator;" \
       ".NET $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/{v=$2} END{print v}') (SDK $(dotnet --version)), Grpc.AspNetCore $(sed -nE 's|.*Include="Grpc.AspNetCore" Version="([^"]+)".*|\1|p' "$repo_root/Directory.Packages.props"), $gc_mode GC; $(h2load --version | head -n 1);" \
       "best of $rounds rounds of ${duration}s after ${warmup}s warm-up each."
  echo
  echo "| Scenario | Server | Rate (ops/s) | vs bare Kestrel | Server CPU (µs/op) | Allocated (B/op) | Gen0 GCs | h2load CPU (s) | Failed |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  # Best round per (scenario, server); the ratio compares the two best rounds of the same scenario.
  awk -F'\t' '
    function thousands(x,   s) { s = sprintf("%.0f", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
    { key = $1 SUBSEP $2; if (!(key in best) || $3 + 0 > best[key]) { best[key] = $3 + 0; row[key] = $0 }
      if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
    END {
      for (i = 1; i <= n; i++) {
        s = order[i]; bare = best[s SUBSEP "bare"]
        split("bare ours notifier", kinds, " ")
        for (k = 1; k <= 3; k++) {
          key = s SUBSEP kinds[k]; if (!(key in row)) continue
          split(row[key], f, "\t")
          if (kinds[k] == "bare") name = "bare Kestrel (ceiling)"
          else if (kinds[k] == "notifier") name = "broker host (BrokerHost): Notifier/ListAliases"
          else name = s ~ /catch-alls/ ? "bare Kestrel at /bare/unary" : "Grpc.AspNetCore: nbbench Bench service"
          ratio = bare > 0 ? sprintf("%.2f", f[3] / bare) : "n/a"
          printf "| %s | %s | %s | %s | %.2f | %.0f | %d | %.1f | %d |\n", s, name, thousands(f[3]), ratio, f[4], f[5], f[6], f[8], f[7]
        }
      }
    }' "$results"
  echo
  echo "The broker host's row is another process (same load, same run): ListAliases through BrokerHost's whole pipeline" \
       "(authentication and authorization of the call's admin key, the rate limiter's admin partition, interceptors, the" \
       "core's name table, the reply mapping). Its ratio is to the bench server's bare unary endpoint."
  echo
  echo "For reference, the retired NotifyBroker.Grpc layer's targets on this machine class: unary >= 230,000 calls/s at" \
       "<= 5 µs server CPU per call (grpc-dotnet then: ~217,000/s, ~5.8 µs); streaming 18-byte messages >= 5,000,000/s" \
       "(grpc-dotnet then: ~3,500,000/s)."
  echo
  if [[ -s "$work/allocations.md" ]]; then
    echo "<details><summary>Sampled allocations by type (GCAllocationTick, ~1 sample per 100 KB), per measured run</summary>"
    echo; cat "$work/allocations.md"; echo "</details>"; echo
  fi
  echo "Commands (each case also ran once for ${warmup}s unmeasured first):"
  echo
  echo '```'
  sed "s|$work/||g" "$work/commands.log" | sort -u
  echo '```'
} >"$report"
cat "$report"
