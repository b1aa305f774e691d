#!/usr/bin/env bash
# Fan-out: N Subscribe streams on a few HTTP/2 connections, Broadcasts published as fast as the server takes them
# (bounded by how far delivery may lag), measured with bench/fanout/nbfanout. Prints a markdown table and writes it to
# bench/results/fanout-latest.md.
#
# Usage: bench/fanout.sh [bare|notifier|both]     (default: both)
#   bare      the bench server's /bare/fanout endpoints: plain Kestrel, the ceiling
#   notifier  notify.v1.Notifier as NotifyBroker.Server hosts it (BrokerHost), run inside the bench server
#             (--notifier) so that its GC heap and allocations can be read
# Knobs (environment):
#   NB_FANOUT_SUBSCRIBERS="1 100 1000 10000"  subscriber counts to measure
#   NB_FANOUT_IDLE=10000        idle streams opened for the memory-per-subscriber figure
#   NB_FANOUT_IDLE_WAVE=500     ... opened this many at a time (each wave once the previous is open), so Kestrel's
#                               buffer pools grow to a wave's burst, not to all 10,000 at once
#   NB_FANOUT_IDLE_SETTLE=12    seconds to wait with the idle streams open before measuring (Kestrel trims its
#                               memory pool on its heartbeat; less settled memory counts as per-stream)
#   NB_FANOUT_QUEUE=            Broker:SubscriberQueueCapacity for the notifier (default: the broker's own, 1024)
#   NB_FANOUT_CONNECTIONS=4     subscriber connections (the publisher has its own)
#   NB_FANOUT_DURATION=5        publishing seconds per count
#   NB_FANOUT_MAX_AHEAD=64      broadcasts that may be accepted but not yet delivered everywhere. This sets the
#                               backlog, hence the latency at saturation (~ max_ahead x subscribers / rate); "auto"
#                               keeps about 64,000 deliveries outstanding instead (max(4, min(256, 64000 / N))),
#                               which shows latency with a short queue at some cost in throughput
#   NB_FANOUT_INFLIGHT=100      Broadcast calls in flight
#   NB_BENCH_GC=server          server | workstation (DOTNET_gcServer for the server under test)
#   NB_BENCH_NO_BUILD=1         skip building
#   NB_BENCH_ALLOC_PROFILE=1    sample allocations by type during each delivery run and add them to the report
set -euo pipefail

target="${1:-both}"
case "$target" in bare|notifier|both) ;; *) echo "usage: $0 [bare|notifier|both]" >&2; exit 2 ;; esac

counts="${NB_FANOUT_SUBSCRIBERS:-1 100 1000 10000}"
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
# Kept after the run: the server's log and nbfanout's stderr (one line per stream the server ended, with its
# grpc-status and message) for every row, so a lost or ended stream can be explained.
logs="$bench_dir/results/fanout-logs"
mkdir -p "$logs"
rm -f "$logs"/*.log
server_pid=""
holder_pid=""

log() { echo "[fanout] $*" >&2; }

stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
  [[ -n "${server_target:-}" && -f "$work/server.log" ]] && cp "$work/server.log" "$logs/$server_target-server.log"
  server_target=""
}
cleanup() {
  [[ -n "$holder_pid" ]] && kill "$holder_pid" 2>/dev/null || true
  stop_server
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

build_bench_server() {
  [[ "${NB_BENCH_NO_BUILD:-}" == 1 || -n "${bench_server_built:-}" ]] && return
  dotnet build "$bench_dir/NotifyBroker.Bench.Server/NotifyBroker.Bench.Server.csproj" -c Release -m:1 --nologo -v quiet \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  bench_server_built=1
}

profile_args=()
[[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 ]] && profile_args=(--alloc-profile)

# start_server bare|notifier -> sets server_pid, port, service, stats_url
start_server() {
  case "$1" in
    bare)
      build_bench_server
      dotnet "$bench_server_dll" "${profile_args[@]}" --port 0 --max-streams "$streams_per_connection" >"$work/server.log" 2>&1 &
      server_pid=$!
      service=/bare/fanout
      ;;
    notifier)
      # The real broker (BrokerHost, as NotifyBroker.Server builds it) inside the bench server, which adds /stats.
      build_bench_server
      local host_args=()
      [[ -n "$queue" ]] && host_args=("--Broker:SubscriberQueueCapacity=$queue")
      dotnet "$bench_server_dll" "${profile_args[@]}" --notifier --port 0 --max-streams "$streams_per_connection" "${host_args[@]}" \
        >"$work/server.log" 2>&1 &
      server_pid=$!
      service=/notify.v1.Notifier
      ;;
  esac
  server_target=$1
  port=""
  for _ in $(seq 1 300); do
    port="$(awk '/^listening /{print $2}' "$work/server.log")"
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
  stats_url="http://127.0.0.1:$port/stats"
  log "$1 server pid $server_pid on 127.0.0.1:$port (MaxStreamsPerConnection $streams_per_connection, $gc_mode GC${queue:+, SubscriberQueueCapacity $queue})"
}

server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
server_rss_bytes() { awk '/^VmRSS:/{print $2 * 1024}' "/proc/$server_pid/status"; }
server_gc_heap_bytes() { # after a full blocking collection
  curl -sS --http2-prior-knowledge "$stats_url?gc=1" | awk '$1 == "gc_heap_bytes" {print $2}'
}

results="$work/results.tsv"  # target, subscribers, deliveries/s, broadcasts/s, p50, p99, cpu ns/delivery, lost, closed, client cpu s
memory="$work/memory.tsv"    # target, idle streams, rss bytes/stream, gc heap bytes/stream, gc heap bytes/stream 2 s after opening
: >"$results"; : >"$memory"
clk_tck="$(getconf CLK_TCK)"

measure_idle() { # target
  local gc0 rss0 gc1 rss1 fifo="$work/hold.fifo"
  # Warm the paths first so JIT and pools don't count as per-subscriber memory.
  "$nbfanout" --port "$port" --service "$service" --subscribers 100 --connections "$connections" --duration 1 >/dev/null 2>&1 || true
  sleep 1
  gc0=$(server_gc_heap_bytes || true); rss0=$(server_rss_bytes)
  rm -f "$fifo"; mkfifo "$fifo"
  "$nbfanout" --port "$port" --service "$service" --subscribers "$idle" --connections "$connections" --duration 0 \
    --wave "$idle_wave" <"$fifo" >"$work/idle.out" 2>"$work/idle.err" &
  holder_pid=$!
  exec 7>"$fifo"   # holding the fifo open keeps nbfanout holding its streams
  for _ in $(seq 1 600); do grep -q '^ready' "$work/idle.out" && break; kill -0 "$holder_pid" 2>/dev/null || break; sleep 0.1; done
  if ! grep -q '^ready' "$work/idle.out"; then
    log "idle streams did not open: $(cat "$work/idle.err")"; exec 7>&-; wait "$holder_pid" || true; holder_pid=""; return
  fi
  sleep 2
  local gc_early
  gc_early=$(server_gc_heap_bytes || true)
  sleep "$idle_settle"
  gc1=$(server_gc_heap_bytes || true); rss1=$(server_rss_bytes)
  exec 7>&-
  wait "$holder_pid" || true
  holder_pid=""
  cp "$work/idle.err" "$logs/$1-idle.nbfanout.log"
  awk -v t="$1" -v n="$idle" -v r0="$rss0" -v r1="$rss1" -v g0="${gc0:-}" -v g1="${gc1:-}" -v ge="${gc_early:-}" '
    function per(a, b) { return (a == "" || b == "") ? "n/a" : sprintf("%.0f", (b - a) / n) }
    BEGIN { printf "%s\t%d\t%.0f\t%s\t%s\n", t, n, (r1 - r0) / n, per(g0, g1), per(g0, ge) }' >>"$memory"
  log "$(tail -n 1 "$memory" | awk -F'\t' '{printf "%s: %d idle streams: %s B RSS/stream, %s B GC heap/stream (%s B 2 s after opening)", $1, $2, $3, $4, $5}')"
}

measure_delivery() { # target subscribers
  local out="$work/run.out" ticks0 ticks1
  [[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 ]] && curl -sS --http2-prior-knowledge "$stats_url/allocations?reset=1" >/dev/null
  ticks0=$(server_cpu_ticks)
  local ahead=$max_ahead
  if [[ "$ahead" == auto ]]; then
    ahead=$(( 64000 / ($2 > 0 ? $2 : 1) )); (( ahead > 256 )) && ahead=256; (( ahead < 4 )) && ahead=4
  fi
  local cmd=("$nbfanout" --port "$port" --service "$service" --subscribers "$2" --connections "$connections" \
             --duration "$duration" --max-ahead "$ahead" --inflight "$inflight")
  printf '$' >>"$work/commands.log"; printf ' %q' "${cmd[@]}" >>"$work/commands.log"; echo >>"$work/commands.log"
  local status=0
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f 'client_cpu_s %U %S' -o "$work/client.time" "${cmd[@]}" >"$out" 2>"$work/run.err" || status=$?
  else
    "${cmd[@]}" >"$out" 2>"$work/run.err" || status=$?; echo "client_cpu_s 0 0" >"$work/client.time"
  fi
  ticks1=$(server_cpu_ticks)
  cp "$work/run.err" "$logs/$1-$2.nbfanout.log"
  if [[ "${NB_BENCH_ALLOC_PROFILE:-}" == 1 ]]; then
    { echo "#### $1, $2 subscribers"; echo; echo '```'
      curl -sS --http2-prior-knowledge "$stats_url/allocations" | head -n 16; echo '```'; echo; } >>"$work/allocations.md"
  fi
  (( status == 0 )) || log "nbfanout exited $status: $(tail -n 2 "$work/run.err" | tr '\n' ' ') $(grep first_failure "$out" || true)"
  awk -v t="$1" -v n="$2" -v ticks=$(( ticks1 - ticks0 )) -v tck="$clk_tck" \
      -v client="$(awk '{print $2 + $3}' "$work/client.time")" '
    { v[$1] = $2 }
    END {
      d = v["deliveries"] + 0
      printf "%s\t%d\t%.0f\t%.0f\t%d\t%d\t%.0f\t%d\t%d\t%.2f\n", t, n, v["deliveries_per_s"], v["broadcasts_per_s"],
        v["latency_p50_us"], v["latency_p99_us"], (d > 0 ? ticks * 1e9 / tck / d : 0),
        v["expected_deliveries"] - d, v["closed"], client
    }' "$out" >>"$results"
  log "$(tail -n 1 "$results" | awk -F'\t' '{printf "%s %6d subscribers: %10s deliveries/s  p50 %s us  p99 %s us  %s ns CPU/delivery  lost %s", $1, $2, $3, $5, $6, $7, $8}')"
}

run_target() { # target
  start_server "$1"
  measure_idle "$1"
  for n in $counts; do measure_delivery "$1" "$n"; done
  stop_server
}

[[ "$target" == bare || "$target" == both ]] && run_target bare
[[ "$target" == notifier || "$target" == both ]] && run_target notifier

# --- report ---------------------------------------------------------------------------------------------------------
mkdir -p "$bench_dir/results"
report="$bench_dir/results/fanout-latest.md"
{
  echo "## Fan-out ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Commit $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown);" \
       "$(nproc) cores, shared by server and nbfanout (one thread); $gc_mode GC; $connections subscriber connections + 1 publisher connection;" \
       "${duration}s of publishing per row, at most $inflight Broadcast calls in flight and --max-ahead ($max_ahead) broadcasts ahead of delivery (see the commands)."
  echo
  echo "| Server | Subscribers | Deliveries/s | vs bare Kestrel | Broadcasts/s | p50 latency (µs) | p99 latency (µs) | Server CPU (ns/delivery) | Lost | Streams ended | nbfanout CPU (s) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '
    function thousands(x,   s) { s = sprintf("%.0f", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
    { rows[++n] = $0; if ($1 == "bare") bare[$2] = $3 }
    END {
      for (i = 1; i <= n; i++) {
        split(rows[i], f, "\t")
        name = f[1] == "bare" ? "bare Kestrel (ceiling)" : "NotifyBroker.Server"
        ratio = (f[2] in bare) && bare[f[2]] > 0 ? sprintf("%.2f", f[3] / bare[f[2]]) : "n/a"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, thousands(f[2]), thousands(f[3]), ratio,
          thousands(f[4]), thousands(f[5]), thousands(f[6]), f[7], thousands(f[8]), f[9], f[10]
      }
    }' "$results"
  echo
  echo "| Server | Idle streams | GC heap per stream (B, after full GC) | RSS per stream (B) | GC heap per stream 2 s after opening (B) |"
  echo "|---|---:|---:|---:|---:|"
  awk -F'\t' '{ name = ($1 == "bare" ? "bare Kestrel (ceiling)" : "NotifyBroker.Server"); printf "| %s | %d | %s | %s | %s |\n", name, $2, $4, $3, $5 }' "$memory"
  echo
  echo "Idle streams opened $idle_wave at a time; measured ${idle_settle} s after the last opened (+2 s), after a forced full GC," \
       "against the same server before (after a 100-stream warm-up). RSS includes native memory and is noisier."
  echo
  ended="$(cat "$logs"/*.nbfanout.log 2>/dev/null | grep -c 'stream ended' || true)"
  if (( ${ended:-0} > 0 )); then
    echo "Streams the server ended, by reason (from nbfanout's stderr in bench/results/fanout-logs/; the server's log is beside it):"
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
  [[ -n "$queue" ]] && echo "The notifier ran with Broker:SubscriberQueueCapacity=$queue." && echo
  echo "Targets: >= 1,500,000 deliveries/s at 1,000 subscribers; < 10 KB per idle subscriber" \
       "(grpc-dotnet naive fan-out: 870,000/s at 100, 570,000/s at 1,000, 350,000/s at 10,000)."
  echo
  if [[ -s "$work/allocations.md" ]]; then
    echo "<details><summary>Sampled allocations by type (GCAllocationTick, ~1 sample per 100 KB), per delivery run</summary>"
    echo; cat "$work/allocations.md"; echo "</details>"; echo
  fi
  echo '```'
  sed "s|$bench_dir/||g" "$work/commands.log"
  echo '```'
} >"$report"
cat "$report"
