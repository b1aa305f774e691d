#!/usr/bin/env bash
# Fan-out: N Subscribe streams on a few HTTP/2 connections, Broadcasts published as fast as the server takes them
# (bounded by how far delivery may lag), measured with bench/fanout/nbfanout. Prints a markdown table and writes it to
# bench/results/fanout-latest.md.
#
# Usage: bench/fanout.sh [bare|notifier|naive|baseline|both|compare]     (default: both)
#   bare      the bench server's /bare/fanout endpoints: plain Kestrel, the ceiling
#   notifier  notify.v1.Notifier as NotifyBroker.Server hosts it (BrokerHost) from this working tree, run inside the
#             bench server (--notifier) so that its GC heap and allocations can be read ("current")
#   naive     the bench server's --naive-hub: Subscribe/Broadcast as a plain grpc-dotnet fan-out (a Channel<Event>
#             per subscriber, typed IServerStreamWriter<Event>, one WriteAsync and one flush per event)
#   baseline  the notifier built from another git revision (NB_BASELINE_REV) in a temporary git worktree
#   both      bare + notifier
#   compare   side by side: notifier (current), baseline and naive, plus bare as the ceiling; all servers run at
#             once and the targets take turns on every row, NB_FANOUT_ROUNDS times, best round reported; adds the
#             ratios current/baseline and current/naive (rates, and server CPU per delivery) and the product's targets
# Knobs (environment):
#   NB_FANOUT_SUBSCRIBERS       subscriber counts to measure (default "1 100 1000 10000"; compare: "100 1000 10000")
#   NB_FANOUT_ROUNDS            rounds per row (default 1; compare: 3); the best round's rate is reported, and lost
#                               deliveries and ended streams are the worst round's
#   NB_BASELINE_REV             the revision the baseline is built from (default: the parent of the first commit
#                               whose tree no longer has src/NotifyBroker.Grpc, i.e. the last commit before the move to
#                               the official gRPC stack; 4decef8 if that cannot be computed)
#   NB_FANOUT_COMPARE_BARE=0    leave the bare ceiling out of compare
#   NB_FANOUT_IDLE=10000        idle streams opened for the memory-per-subscriber figure (0 = skip)
#   NB_FANOUT_IDLE_WAVE=500     ... opened this many at a time (each wave once the previous is open), so Kestrel's
#                               buffer pools grow to a wave's burst, not to all 10,000 at once
#   NB_FANOUT_IDLE_SETTLE=12    seconds to wait with the idle streams open before measuring (Kestrel trims its
#                               memory pool on its heartbeat; less settled memory counts as per-stream)
#   NB_FANOUT_QUEUE=            Broker:SubscriberQueueCapacity for the notifier and baseline (default: the broker's own)
#   NB_FANOUT_CONNECTIONS=4     subscriber connections (the publisher has its own)
#   NB_FANOUT_DURATION=5        publishing seconds per row
#   NB_FANOUT_MAX_AHEAD=64      broadcasts that may be accepted but not yet delivered everywhere. This sets the
#                               backlog, hence the latency at saturation (~ max_ahead x subscribers / rate); "auto"
#                               keeps about 64,000 deliveries outstanding instead (max(4, min(256, 64000 / N))),
#                               which shows latency with a short queue at some cost in throughput
#   NB_FANOUT_INFLIGHT=100      Broadcast calls in flight
#   NB_BENCH_GC=server          server | workstation (DOTNET_gcServer for the servers under test)
#   NB_BENCH_NO_BUILD=1         skip building this tree's bench server (the baseline is always built)
#   NB_BENCH_ALLOC_PROFILE=1    sample allocations by type during each delivery run and add them to the report
#   NB_BENCH_KEY=               the admin key the notifier is started with and every call carries (default: a random
#                               one per run); it reaches the servers and nbfanout through the environment only
# Identity: the notifier (current) runs with its authentication on, as users get it: it is started with an admin key
# (Security__AdminKey, so admin calls are not rate-limited) and its key store and credentials file in this run's
# temporary directory, and every nbfanout call to every target carries "authorization: Bearer <key>" (targets without
# authentication ignore it). Before anything is timed, the notifier must refuse a call without a key (UNAUTHENTICATED).
set -euo pipefail

mode="${1:-both}"
case "$mode" in
  bare|notifier|naive|baseline) targets=("$mode") ;;
  both) targets=(bare notifier) ;;
  compare) targets=(notifier baseline naive); [[ "${NB_FANOUT_COMPARE_BARE:-1}" == 1 ]] && targets+=(bare) ;;
  *) echo "usage: $0 [bare|notifier|naive|baseline|both|compare]" >&2; exit 2 ;;
esac

if [[ "$mode" == compare ]]; then
  counts="${NB_FANOUT_SUBSCRIBERS:-100 1000 10000}"
  rounds="${NB_FANOUT_ROUNDS:-3}"
else
  counts="${NB_FANOUT_SUBSCRIBERS:-1 100 1000 10000}"
  rounds="${NB_FANOUT_ROUNDS:-1}"
fi
idle="${NB_FANOUT_IDLE:-10000}"
idle_wave="${NB_FANOUT_IDLE_WAVE:-500}"
idle_settle="${NB_FANOUT_IDLE_SETTLE:-12}"
queue="${NB_FANOUT_QUEUE:-}"
connections="${NB_FANOUT_CONNECTIONS:-4}"
duration="${NB_FANOUT_DURATION:-5}"
max_ahead="${NB_FANOUT_MAX_AHEAD:-64}"
inflight="${NB_FANOUT_INFLIGHT:-100}"
gc_mode="${NB_BENCH_GC:-server}"

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
bench_server_dll="$bench_dir/NotifyBroker.Bench.Server/bin/Release/net10.0/NotifyBroker.Bench.Server.dll"
nbfanout="$bench_dir/fanout/bin/nbfanout"
work="$(mktemp -d)"
# Kept after the run: every server's log and nbfanout's stderr (one line per stream the server ended, with its
# grpc-status and message) for every row, so a lost or ended stream can be explained.
logs="$bench_dir/results/fanout-logs"
mkdir -p "$logs"
rm -f "$logs"/*.log
holder_pid=""
baseline_tree=""
declare -A pid port service stats_url

log() { echo "[fanout] $*" >&2; }

# The admin key of this run: random unless given; exported for nbfanout (it reads NB_BENCH_KEY), never on a command line.
NB_BENCH_KEY="${NB_BENCH_KEY:-nbbench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
(( ${#NB_BENCH_KEY} >= 16 )) || { echo "NB_BENCH_KEY must have at least 16 characters" >&2; exit 2; }
export NB_BENCH_KEY
identity_args=("--Security:KeysFile=$work/identity/keys.json" "--Security:CredentialsFile=$work/identity/credentials.json")
mkdir -p "$work/identity"
# curl reads the header from a file (mode 0600), so the key is not in the process list.
(umask 077; printf 'authorization: Bearer %s\n' "$NB_BENCH_KEY" >"$work/identity/authorization.header")
# /stats needs no key on this tree's bench server; a baseline revision with identity but an older bench server wants one.
stats_curl_auth=(-H "@$work/identity/authorization.header")

stop_servers() {
  local t
  for t in "${!pid[@]}"; do
    if kill -0 "${pid[$t]}" 2>/dev/null; then
      kill "${pid[$t]}" 2>/dev/null || true
      # Bounded: TERM, up to 10 s, then KILL.
      for _ in $(seq 1 100); do kill -0 "${pid[$t]}" 2>/dev/null || break; sleep 0.1; done
      kill -9 "${pid[$t]}" 2>/dev/null || true
      wait "${pid[$t]}" 2>/dev/null || true
    fi
    [[ -f "$work/$t-server.log" ]] && cp "$work/$t-server.log" "$logs/$t-server.log"
    unset "pid[$t]"
  done
}
cleanup() {
  [[ -n "$holder_pid" ]] && kill "$holder_pid" 2>/dev/null || true
  stop_servers
  if [[ -n "$baseline_tree" ]]; then
    git -C "$repo_root" worktree remove --force "$baseline_tree" 2>/dev/null || true
    git -C "$repo_root" worktree prune 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- tools ----------------------------------------------------------------------------------------------------------
if [[ ! -f /usr/include/nghttp2/nghttp2.h ]] || ! command -v cc >/dev/null; then
  log "installing libnghttp2-dev and a C compiler"
  apt-get update >/dev/null 2>&1 || true   # may exit 100 on one bad index
  apt-get install -y libnghttp2-dev gcc >/dev/null
fi
mkdir -p "$(dirname "$nbfanout")"
cc -O2 -Wall -Wextra -o "$nbfanout" "$bench_dir/fanout/nbfanout.c" -lnghttp2

max_count=$idle
for n in $counts; do (( n > max_count )) && max_count=$n; done
# Kestrel refuses streams beyond Http2.MaxStreamsPerConnection (default 100): every subscriber connection must take
# its share of the largest count.
streams_per_connection=$(( (max_count + connections - 1) / connections + 16 ))

case "$gc_mode" in
  server) export DOTNET_gcServer=1 ;;
  workstation) export DOTNET_gcServer=0 ;;
  *) echo "NB_BENCH_GC must be server or workstation" >&2; exit 2 ;;
esac

dotnet_version="$(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/{v=$2} END{print v}')"
cpu_model="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
current_rev="$(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
current_dirty="$(git -C "$repo_root" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"

build_bench_server() {
  [[ "${NB_BENCH_NO_BUILD:-}" == 1 || -n "${bench_server_built:-}" ]] && return
  log "building the bench server (Release)"
  dotnet build "$bench_dir/NotifyBroker.Bench.Server/NotifyBroker.Bench.Server.csproj" -c Release -m:1 --nologo -v quiet \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  bench_server_built=1
}

# The last commit before the move to the official gRPC stack: the parent of the first commit (oldest first) whose
# tree no longer has src/NotifyBroker.Grpc while its parent's did.
default_baseline_rev() {
  local c
  for c in $(git -C "$repo_root" rev-list --reverse HEAD -- src/NotifyBroker.Grpc 2>/dev/null); do
    if [[ -z "$(git -C "$repo_root" ls-tree "$c" src/NotifyBroker.Grpc)" ]] &&
       [[ -n "$(git -C "$repo_root" ls-tree "$c^" src/NotifyBroker.Grpc 2>/dev/null)" ]]; then
      git -C "$repo_root" rev-parse --short "$c^"
      return
    fi
  done
  echo 4decef8
}

# Builds the baseline in a temporary worktree: that revision's bench server (--notifier, so /stats works) when it
# has one that builds, else its src/NotifyBroker.Server (then there is no GC heap figure).
baseline_kind=""
build_baseline() {
  [[ -n "$baseline_kind" ]] && return
  baseline_rev="${NB_BASELINE_REV:-$(default_baseline_rev)}"
  baseline_rev="$(git -C "$repo_root" rev-parse --short "$baseline_rev^{commit}")"
  baseline_subject="$(git -C "$repo_root" log -1 --format=%s "$baseline_rev" | cut -c1-90)"
  baseline_tree="$work/baseline-$baseline_rev"
  log "baseline: $baseline_rev ($baseline_subject), building in a temporary worktree"
  git -C "$repo_root" worktree add --detach "$baseline_tree" "$baseline_rev" >"$work/baseline-worktree.log" 2>&1 ||
    { cat "$work/baseline-worktree.log" >&2; exit 1; }
  local project="$baseline_tree/bench/NotifyBroker.Bench.Server/NotifyBroker.Bench.Server.csproj"
  if [[ -f "$project" ]] && grep -q -- '--notifier' "$baseline_tree/bench/NotifyBroker.Bench.Server/Program.cs" 2>/dev/null &&
     dotnet build "$project" -c Release -m:1 --nologo -v quiet >"$work/baseline-build.log" 2>&1; then
    baseline_kind=bench
    baseline_dll="$baseline_tree/bench/NotifyBroker.Bench.Server/bin/Release/net10.0/NotifyBroker.Bench.Server.dll"
  else
    log "baseline: no bench server with --notifier at $baseline_rev; building src/NotifyBroker.Server (no GC heap figure)"
    dotnet build "$baseline_tree/src/NotifyBroker.Server/NotifyBroker.Server.csproj" -c Release -m:1 --nologo -v quiet \
      >"$work/baseline-build.log" 2>&1 || { cat "$work/baseline-build.log" >&2; exit 1; }
    baseline_kind=host
    baseline_dll="$baseline_tree/src/NotifyBroker.Server/bin/Release/net10.0/NotifyBroker.Server.dll"
  fi
}

profile_args=()
[[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 ]] && profile_args=(--alloc-profile)
host_args=()
[[ -n "$queue" ]] && host_args=("--Broker:SubscriberQueueCapacity=$queue")

# start_server TARGET -> sets pid, port, service, stats_url for it
start_server() {
  local t=$1 log_file="$work/$1-server.log" ready='^listening ([0-9]+)$'
  case "$t" in
    bare)
      build_bench_server
      dotnet "$bench_server_dll" "${profile_args[@]}" --port 0 --max-streams "$streams_per_connection" >"$log_file" 2>&1 &
      service[$t]=/bare/fanout ;;
    notifier)
      build_bench_server
      Security__AdminKey="$NB_BENCH_KEY" dotnet "$bench_server_dll" "${profile_args[@]}" --notifier --port 0 \
        --max-streams "$streams_per_connection" "${identity_args[@]}" "${host_args[@]}" >"$log_file" 2>&1 &
      service[$t]=/notify.v1.Notifier ;;
    naive)
      build_bench_server
      dotnet "$bench_server_dll" "${profile_args[@]}" --naive-hub --port 0 --max-streams "$streams_per_connection" >"$log_file" 2>&1 &
      service[$t]=/notify.v1.Notifier ;;
    baseline)
      build_baseline
      # The same admin key and identity files, through the environment, which every revision takes (one that
      # predates identity ignores them; a bench server that defaults the files to its own temporary directory keeps
      # that default, which is not the user's home either).
      if [[ "$baseline_kind" == bench ]]; then
        Security__AdminKey="$NB_BENCH_KEY" Security__KeysFile="$work/identity/baseline-keys.json" \
        Security__CredentialsFile="$work/identity/baseline-credentials.json" \
          dotnet "$baseline_dll" "${profile_args[@]}" --notifier --port 0 --max-streams "$streams_per_connection" "${host_args[@]}" \
          >"$log_file" 2>&1 &
      else
        Security__AdminKey="$NB_BENCH_KEY" Security__KeysFile="$work/identity/baseline-keys.json" \
        Security__CredentialsFile="$work/identity/baseline-credentials.json" \
        Kestrel__Limits__Http2__MaxStreamsPerConnection="$streams_per_connection" \
          dotnet "$baseline_dll" --urls http://127.0.0.1:0 "${host_args[@]}" >"$log_file" 2>&1 &
        ready='.*Now listening on: http://127\.0\.0\.1:([0-9]+).*'
      fi
      service[$t]=/notify.v1.Notifier ;;
  esac
  pid[$t]=$!
  local p=""
  for _ in $(seq 1 300); do
    p="$(sed -nE "s|$ready|\\1|p" "$log_file" | head -n 1)"
    [[ -n "$p" ]] && break
    kill -0 "${pid[$t]}" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$p" ]] || { echo "$t server did not start" >&2; cat "$log_file" >&2; exit 1; }
  port[$t]=$p
  stats_url[$t]=""
  [[ "$t" != baseline || "$baseline_kind" == bench ]] && stats_url[$t]="http://127.0.0.1:$p/stats"
  log "$t server pid ${pid[$t]} on 127.0.0.1:$p (MaxStreamsPerConnection $streams_per_connection, $gc_mode GC${queue:+, SubscriberQueueCapacity $queue})"
  [[ "$t" == notifier || "$t" == baseline ]] && check_identity "$t"
  return 0
}

# The notifier measured is the one users get, authentication included: a call without a key must be refused
# (grpc-status 16, UNAUTHENTICATED) and the same call with the run's admin key must succeed, before anything is timed.
# A baseline may predate identity: it must answer with the key, and the report says whether it authenticates.
baseline_identity=""
check_identity() { # target
  local url="http://127.0.0.1:${port[$1]}${service[$1]}/ListAliases" headers="$work/identity/check.headers" status
  printf '\x00\x00\x00\x00\x00' >"$work/identity/empty.bin"   # ListAliasesRequest{}: an empty message behind the prefix
  curl -sS --max-time 30 --http2-prior-knowledge -X POST -H 'content-type: application/grpc' -H 'te: trailers' \
    --data-binary "@$work/identity/empty.bin" -D "$headers" -o /dev/null "$url"
  status="$(awk 'tolower($1) == "grpc-status:" {print $2 + 0}' "$headers" | head -n 1)"
  if [[ "$1" == baseline ]]; then
    [[ "$status" == 16 ]] && baseline_identity=on || baseline_identity=off
  elif [[ "$status" != 16 ]]; then
    echo "$1: a call without a key was not refused (grpc-status ${status:-none}); is authentication on?" >&2; cat "$headers" >&2; exit 1
  fi
  curl -sS --max-time 30 --http2-prior-knowledge -X POST -H 'content-type: application/grpc' -H 'te: trailers' \
    -H "@$work/identity/authorization.header" --data-binary "@$work/identity/empty.bin" -D "$headers" -o /dev/null "$url"
  status="$(awk 'tolower($1) == "grpc-status:" {print $2 + 0}' "$headers" | head -n 1)"
  [[ "$status" == 0 ]] || { echo "$1: a call with the run's admin key failed (grpc-status ${status:-none})" >&2; cat "$headers" >&2; exit 1; }
  if [[ "$1" == baseline && "$baseline_identity" == off ]]; then
    log "$1: no authentication (this revision predates identity; it ignores the key)"
  else
    log "$1: authentication on (no key: UNAUTHENTICATED; the run's admin key: OK)"
  fi
}

server_cpu_ticks() { awk '{print $14 + $15}' "/proc/${pid[$1]}/stat"; }
server_rss_bytes() { awk '/^VmRSS:/{print $2 * 1024}' "/proc/${pid[$1]}/status"; }
server_gc_heap_bytes() { # TARGET; after a full blocking collection
  [[ -n "${stats_url[$1]}" ]] || return 0
  curl -sS --max-time 30 --http2-prior-knowledge "${stats_curl_auth[@]}" "${stats_url[$1]}?gc=1" | awk '$1 == "gc_heap_bytes" {print $2}'
}

results="$work/results.tsv"  # target, subscribers, deliveries/s, broadcasts/s, p50, p99, cpu ns/delivery, lost, closed, client cpu s, round
memory="$work/memory.tsv"    # target, idle streams, rss bytes/stream, gc heap bytes/stream, gc heap bytes/stream 2 s after opening
: >"$results"; : >"$memory"; : >"$work/commands.log"
clk_tck="$(getconf CLK_TCK)"

measure_idle() { # target
  local t=$1 gc0 rss0 gc1 rss1 fifo="$work/hold.fifo"
  local args=(--port "${port[$t]}" --service "${service[$t]}" --connections "$connections")
  # Warm the paths first so JIT and pools don't count as per-subscriber memory.
  timeout -k 5 60 "$nbfanout" "${args[@]}" --subscribers 100 --duration 1 >/dev/null 2>&1 || true
  sleep 1
  gc0=$(server_gc_heap_bytes "$t" || true); rss0=$(server_rss_bytes "$t")
  rm -f "$fifo"; mkfifo "$fifo"
  # Bounded: nbfanout lets go of its streams when stdin closes, or after --hold seconds at the latest.
  "$nbfanout" "${args[@]}" --subscribers "$idle" --duration 0 --wave "$idle_wave" --hold $(( idle_settle + 60 )) \
    <"$fifo" >"$work/idle.out" 2>"$work/idle.err" &
  holder_pid=$!
  exec 7>"$fifo"   # holding the fifo open keeps nbfanout holding its streams
  for _ in $(seq 1 600); do grep -q '^ready' "$work/idle.out" && break; kill -0 "$holder_pid" 2>/dev/null || break; sleep 0.1; done
  if ! grep -q '^ready' "$work/idle.out"; then
    log "$t: idle streams did not open: $(cat "$work/idle.err")"; exec 7>&-; kill "$holder_pid" 2>/dev/null || true
    wait "$holder_pid" || true; holder_pid=""; return
  fi
  sleep 2
  local gc_early
  gc_early=$(server_gc_heap_bytes "$t" || true)
  sleep "$idle_settle"
  gc1=$(server_gc_heap_bytes "$t" || true); rss1=$(server_rss_bytes "$t")
  exec 7>&-
  wait "$holder_pid" || true
  holder_pid=""
  cp "$work/idle.err" "$logs/$t-idle.nbfanout.log"
  awk -v t="$t" -v n="$idle" -v r0="$rss0" -v r1="$rss1" -v g0="${gc0:-}" -v g1="${gc1:-}" -v ge="${gc_early:-}" '
    function per(a, b) { return (a == "" || b == "") ? "n/a" : sprintf("%.0f", (b - a) / n) }
    BEGIN { printf "%s\t%d\t%.0f\t%s\t%s\n", t, n, (r1 - r0) / n, per(g0, g1), per(g0, ge) }' >>"$memory"
  log "$(tail -n 1 "$memory" | awk -F'\t' '{printf "%s: %d idle streams: %s B RSS/stream, %s B GC heap/stream (%s B 2 s after opening)", $1, $2, $3, $4, $5}')"
  sleep 2   # let the server let go of the idle streams before anything is timed
}

measure_delivery() { # target subscribers round
  local t=$1 out="$work/run.out" ticks0 ticks1
  [[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 && -n "${stats_url[$t]}" ]] && curl -sS --http2-prior-knowledge "${stats_curl_auth[@]}" "${stats_url[$t]}/allocations?reset=1" >/dev/null
  ticks0=$(server_cpu_ticks "$t")
  local ahead=$max_ahead
  if [[ "$ahead" == auto ]]; then
    ahead=$(( 64000 / ($2 > 0 ? $2 : 1) )); (( ahead > 256 )) && ahead=256; (( ahead < 4 )) && ahead=4
  fi
  local cmd=("$nbfanout" --port "${port[$t]}" --service "${service[$t]}" --subscribers "$2" --connections "$connections" \
             --duration "$duration" --max-ahead "$ahead" --inflight "$inflight")
  printf '$' >>"$work/commands.log"; printf ' %q' "${cmd[@]}" >>"$work/commands.log"; echo "   # $t" >>"$work/commands.log"
  local status=0 bound=$(( ${duration%.*} + 90 ))   # nbfanout's own bounds: 60 s to open, then duration, then 10 s drain
  if [[ -x /usr/bin/time ]]; then
    timeout -k 5 "$bound" /usr/bin/time -f 'client_cpu_s %U %S' -o "$work/client.time" "${cmd[@]}" >"$out" 2>"$work/run.err" || status=$?
  else
    timeout -k 5 "$bound" "${cmd[@]}" >"$out" 2>"$work/run.err" || status=$?; echo "client_cpu_s 0 0" >"$work/client.time"
  fi
  [[ -s "$work/client.time" ]] || echo "client_cpu_s 0 0" >"$work/client.time"
  ticks1=$(server_cpu_ticks "$t")
  cp "$work/run.err" "$logs/$t-$2-r$3.nbfanout.log"
  if [[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 && -n "${stats_url[$t]}" ]]; then
    { echo "#### $t, $2 subscribers, round $3"; echo; echo '```'
      curl -sS --http2-prior-knowledge "${stats_curl_auth[@]}" "${stats_url[$t]}/allocations" | head -n 16; echo '```'; echo; } >>"$work/allocations.md"
  fi
  (( status == 0 )) || log "nbfanout exited $status: $(tail -n 2 "$work/run.err" | tr '\n' ' ') $(grep first_failure "$out" || true)"
  awk -v t="$t" -v n="$2" -v r="$3" -v ticks=$(( ticks1 - ticks0 )) -v tck="$clk_tck" \
      -v client="$(awk '{print $2 + $3}' "$work/client.time")" '
    { v[$1] = $2 }
    END {
      d = v["deliveries"] + 0
      # A run that never got going (no output) owes nothing it can count: closed then says how many streams ended.
      printf "%s\t%d\t%.0f\t%.0f\t%d\t%d\t%.0f\t%d\t%d\t%.2f\t%d\n", t, n, v["deliveries_per_s"], v["broadcasts_per_s"],
        v["latency_p50_us"], v["latency_p99_us"], (d > 0 ? ticks * 1e9 / tck / d : 0),
        v["expected_deliveries"] - d, v["closed"], client, r
    }' "$out" >>"$results"
  log "$(tail -n 1 "$results" | awk -F'\t' '{printf "%-8s %6d subscribers (round %s): %10s deliveries/s  p50 %s us  p99 %s us  %s ns CPU/delivery  lost %s  ended %s", $1, $2, $11, $3, $5, $6, $7, $8, $9}')"
  sleep 1   # the streams just closed are the server's to clean up before the next target is timed
}

# --- run --------------------------------------------------------------------------------------------------------------
# Build everything first, then start every target's server (idle servers cost nothing measurable), measure each
# target's idle memory, then let the targets take turns on each row so that drift hits them alike.
for t in "${targets[@]}"; do
  case "$t" in baseline) build_baseline ;; *) build_bench_server ;; esac
done
for t in "${targets[@]}"; do start_server "$t"; done
if (( idle > 0 )); then
  for t in "${targets[@]}"; do measure_idle "$t"; done
fi
# Unmeasured: every target's delivery path once, so the first measured row does not pay for the JIT's tiering.
for t in "${targets[@]}"; do
  timeout -k 5 90 "$nbfanout" --port "${port[$t]}" --service "${service[$t]}" --subscribers 1000 --connections "$connections" \
    --duration 3 --max-ahead 64 --inflight "$inflight" >/dev/null 2>&1 || true
  sleep 1
done
for n in $counts; do
  for r in $(seq 1 "$rounds"); do
    for t in "${targets[@]}"; do measure_delivery "$t" "$n" "$r"; done
  done
done
stop_servers

# --- report ---------------------------------------------------------------------------------------------------------
name_of() {
  case "$1" in
    bare) echo "bare Kestrel (ceiling)" ;;
    notifier) echo "NotifyBroker.Server (current: $current_rev$current_dirty)" ;;
    baseline) echo "NotifyBroker.Server (baseline: ${baseline_rev:-?})" ;;
    naive) echo "naive grpc-dotnet hub" ;;
  esac
}
names="$(for t in bare notifier baseline naive; do printf '%s=%s\t' "$t" "$(name_of "$t")"; done)"

# One row per (target, subscribers): the best round's rate and latency, the worst round's losses and ended streams.
best="$work/best.tsv"
awk -F'\t' -v OFS='\t' '
  { key = $1 SUBSEP $2
    if (!(key in row) || $3 + 0 > rate[key]) { rate[key] = $3 + 0; row[key] = $0 }
    if ($8 + 0 > lost[key]) lost[key] = $8 + 0
    if ($9 + 0 > ended[key]) ended[key] = $9 + 0
    rounds[key]++
    if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  END { for (i = 1; i <= n; i++) { k = order[i]; split(row[k], f, "\t"); f[8] = lost[k] + 0; f[9] = ended[k] + 0
        print f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], rounds[k] } }' "$results" >"$best"

mkdir -p "$bench_dir/results"
report="$bench_dir/results/fanout-latest.md"
{
  echo "## Fan-out ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Commit $current_rev$current_dirty; $(nproc) cores ($cpu_model), shared by the servers and nbfanout (one thread);" \
       ".NET $dotnet_version (SDK $(dotnet --version)), Grpc.AspNetCore $(sed -nE 's|.*Include="Grpc.AspNetCore" Version="([^"]+)".*|\1|p' "$repo_root/Directory.Packages.props");" \
       "$gc_mode GC; $connections subscriber connections + 1 publisher connection;" \
       "${duration}s of publishing per row, at most $inflight Broadcast calls in flight and --max-ahead ($max_ahead) broadcasts ahead of delivery;" \
       "best of $rounds round(s) per row (targets take turns within a round)." \
       "$( [[ " ${targets[*]} " == *" notifier "* ]] && echo "The current notifier runs with its authentication on and every call carries an admin key (so key lookup is in its figures; admin keys are not rate-limited).")"
  if [[ -n "$baseline_kind" ]]; then
    echo
    echo "Baseline: $baseline_rev ($baseline_subject), built in a temporary git worktree" \
         "$( [[ "$baseline_kind" == bench ]] && echo "(its bench server --notifier)" || echo "(its src/NotifyBroker.Server; no GC heap figure)");" \
         "$( [[ "$baseline_identity" == on ]] && echo "authentication on, called with the same admin key." || echo "no authentication (it predates identity).")"
  fi
  echo
  echo "| Server | Subscribers | Deliveries/s | vs bare Kestrel | Broadcasts/s | p50 latency (µs) | p99 latency (µs) | Server CPU (ns/delivery) | Lost (worst round) | Streams ended (worst round) | nbfanout CPU (s) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' -v names="$names" '
    function thousands(x,   s) { s = sprintf("%.0f", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
    BEGIN { k = split(names, parts, "\t"); for (i = 1; i <= k; i++) if (parts[i] != "") { split(parts[i], kv, "="); name[kv[1]] = substr(parts[i], length(kv[1]) + 2) } }
    { rows[++n] = $0; if ($1 == "bare") bare[$2] = $3 }
    END {
      for (i = 1; i <= n; i++) {
        split(rows[i], f, "\t")
        ratio = (f[2] in bare) && bare[f[2]] > 0 ? sprintf("%.2f", f[3] / bare[f[2]]) : "n/a"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name[f[1]], thousands(f[2]), thousands(f[3]), ratio,
          thousands(f[4]), thousands(f[5]), thousands(f[6]), f[7], thousands(f[8]), f[9], f[10]
      }
    }' "$best"
  echo
  if [[ -s "$memory" ]]; then
    echo "| Server | Idle streams | GC heap per stream (B, after full GC) | RSS per stream (B) | GC heap per stream 2 s after opening (B) |"
    echo "|---|---:|---:|---:|---:|"
    while IFS=$'\t' read -r t n rss gc early; do
      printf '| %s | %d | %s | %s | %s |\n' "$(name_of "$t")" "$n" "$gc" "$rss" "$early"
    done <"$memory"
    echo
    echo "Idle streams opened $idle_wave at a time; measured ${idle_settle} s after the last opened (+2 s), after a forced full GC," \
         "against the same server before (after a 100-stream warm-up). RSS includes native memory and is noisier."
    echo
  fi
  if [[ " ${targets[*]} " == *" notifier "* && ( " ${targets[*]} " == *" baseline "* || " ${targets[*]} " == *" naive "* ) ]]; then
    echo "### Side by side: current vs baseline vs naive"
    echo
    echo "| Subscribers | Current (deliveries/s) | Baseline (deliveries/s) | Naive hub (deliveries/s) | Current / baseline | Current / naive | Server CPU ns/delivery: current / baseline / naive | CPU efficiency vs baseline / vs naive |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '
      function thousands(x,   s) { if (x == "") return "n/a"; s = sprintf("%.0f", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
      function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2fx", a / b) }
      function mincpu(k, v) { if (v + 0 > 0 && (!(k in cpu) || v + 0 < cpu[k])) cpu[k] = v + 0 }
      FILENAME == ARGV[1] { rate[$1, $2] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }; next }
      { mincpu($1 SUBSEP $2, $7) }
      END { for (i = 1; i <= n; i++) { c = order[i]
              printf "| %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s |\n", thousands(c), thousands(rate["notifier", c]), thousands(rate["baseline", c]),
                thousands(rate["naive", c]), ratio(rate["notifier", c], rate["baseline", c]), ratio(rate["notifier", c], rate["naive", c]),
                thousands(cpu["notifier", c]), thousands(cpu["baseline", c]), thousands(cpu["naive", c]),
                ratio(cpu["baseline", c], cpu["notifier", c]), ratio(cpu["naive", c], cpu["notifier", c]) } }' "$best" "$results"
    echo
    echo "Rates are each target's best round. Server CPU per delivery is each target's lowest over its rounds; its ratios" \
         "(baseline CPU / current CPU, naive CPU / current CPU: above 1 means the current server spends less per delivery)" \
         "drift less than the rates on a shared 2-core machine, where the servers' rates are bounded by the CPU that is left."
    echo
    # The product's targets, checked against this run.
    awk -F'\t' -v memfile="$memory" '
      function verdict(ok) { return ok ? "met" : "**missed**" }
      { rate[$1, $2] = $3; lost[$1, $2] = $8; ended[$1, $2] = $9 }
      END {
        print "| Target (product) | Measured | |"
        print "|---|---|---|"
        if (("notifier", 1000) in rate && ("baseline", 1000) in rate && rate["baseline", 1000] > 0) {
          r = rate["notifier", 1000] / rate["baseline", 1000]
          printf "| 1,000 subscribers: current >= 0.8x baseline | %.3fx | %s |\n", r, verdict(r >= 0.8) }
        if (("notifier", 1000) in rate && ("naive", 1000) in rate && rate["naive", 1000] > 0) {
          r = rate["notifier", 1000] / rate["naive", 1000]
          printf "| 1,000 subscribers: current >= 3x naive | %.3fx | %s |\n", r, verdict(r >= 3) }
        if (("notifier", 10000) in rate)
          printf "| 10,000 subscribers: nothing lost, no stream ended (current) | lost %d, ended %d | %s |\n",
            lost["notifier", 10000], ended["notifier", 10000], verdict(lost["notifier", 10000] == 0 && ended["notifier", 10000] == 0)
        while ((getline line < memfile) > 0) { split(line, m, "\t"); if (m[1] == "notifier" && m[4] != "n/a")
          printf "| Idle: <= 10 KB GC heap per subscriber (current) | %.1f KB | %s |\n", m[4] / 1024, verdict(m[4] <= 10240) }
      }' "$best"
    echo
    if awk -F'\t' '$2 == 10000 { found = 1 } END { exit !found }' "$best"; then
      echo "Lost and ended at 10,000 subscribers, every target (worst round):" \
           "$(awk -F'\t' '$2 == 10000 { printf "%s%s lost %d / ended %d", sep, $1, $8, $9; sep = "; " }' "$best")."
      echo
    fi
  fi
  ended_total="$(cat "$logs"/*.nbfanout.log 2>/dev/null | grep -c 'stream ended' || true)"
  if (( ${ended_total:-0} > 0 )); then
    echo "Streams the server ended, by reason (from nbfanout's stderr in bench/results/fanout-logs/; the servers' logs are beside it):"
    echo
    echo '```'
    for f in "$logs"/*.nbfanout.log; do
      grep -q 'stream ended' "$f" || continue
      sed -n 's/^nbfanout: stream ended: .* grpc-status \(-\?[0-9]*\) rst \([0-9]*\) delivered [0-9]* message \(.*\)$/grpc-status \1, rst \2: \3/p' "$f" |
        sort | uniq -c | sed "s|^|$(basename "$f" .nbfanout.log): |"
    done
    echo '```'
    echo
  fi
  [[ -n "$queue" ]] && echo "The notifier (and baseline) ran with Broker:SubscriberQueueCapacity=$queue." && echo
  echo "Targets: at 1,000 subscribers >= 0.8x the baseline and >= 3x the naive hub; at 10,000 nothing lost and no stream" \
       "ended; <= 10 KB GC heap per idle subscriber."
  echo
  if [[ -s "${work}/allocations.md" ]]; then
    echo "<details><summary>Sampled allocations by type (GCAllocationTick, ~1 sample per 100 KB), per delivery run</summary>"
    echo; cat "$work/allocations.md"; echo "</details>"; echo
  fi
  echo "Command: \`bench/fanout.sh $mode\`$( [[ -n "${NB_BASELINE_REV:-}" ]] && echo " with NB_BASELINE_REV=$NB_BASELINE_REV"); the load each row ran:"
  echo
  echo '```'
  sed "s|$bench_dir/||g" "$work/commands.log" | sort -u
  echo '```'
} >"$report"
cat "$report"
