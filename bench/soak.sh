#!/usr/bin/env bash
# Soak: the real broker (the bench server's --notifier, BrokerHost as NotifyBroker.Server builds it, authentication on)
# under ten minutes of steady Send and Broadcast, subscriber churn with periodic resumes, and slow readers, sampled
# every 10 s (RSS, GC heap, threads, open fds). Driven by bench/NotifyBroker.Bench.Soak. Not in CI, not in the suite.
# Writes bench/results/soak-<time>.csv and soak-<time>.summary.txt, and prints the summary.
#
# Knobs (environment):
#   NB_SOAK_SECONDS=600       how long to publish
#   NB_SOAK_RATE=500          events/s published in total (half Send to an alias, half Broadcast)
#   NB_SOAK_SUBSCRIBERS=50    fast subscribers with no filter (one holds the alias; the others churn, one per second)
#   NB_SOAK_SLOW=3            slow readers (pause every 100 events, stall 8 s every 20 s)
#   NB_BENCH_NO_BUILD=1       skip the Release builds
#   NB_BENCH_KEY=             the admin key the broker is started with and every call carries (default: random per run)
# Identity: as in run.sh and fanout.sh, the broker is started with an admin key (Security__AdminKey in its environment;
# admin keys are not rate-limited) and its key store and credentials file in this run's temporary directory.
set -euo pipefail

seconds="${NB_SOAK_SECONDS:-600}"
rate="${NB_SOAK_RATE:-500}"
subscribers="${NB_SOAK_SUBSCRIBERS:-50}"
slow="${NB_SOAK_SLOW:-3}"

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$bench_dir/.." && pwd)"
server_project="$bench_dir/NotifyBroker.Bench.Server/NotifyBroker.Bench.Server.csproj"
server_dll="$bench_dir/NotifyBroker.Bench.Server/bin/Release/net10.0/NotifyBroker.Bench.Server.dll"
soak_project="$bench_dir/NotifyBroker.Bench.Soak/NotifyBroker.Bench.Soak.csproj"
soak_dll="$bench_dir/NotifyBroker.Bench.Soak/bin/Release/net10.0/NotifyBroker.Bench.Soak.dll"
results_dir="$bench_dir/results"
stamp="$(date -u +%Y%m%d-%H%M%S)"
work="$(mktemp -d)"
server_pid=""

stop_pid() { # bounded: TERM, up to 10 s, then KILL
  local p=$1
  [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
cleanup() { stop_pid "$server_pid"; rm -rf "$work"; }
trap cleanup EXIT
log() { echo "[soak] $*" >&2; }

export NB_BENCH_KEY="${NB_BENCH_KEY:-nbbench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
(( ${#NB_BENCH_KEY} >= 16 )) || { echo "NB_BENCH_KEY must have at least 16 characters" >&2; exit 2; }
mkdir -p "$work/identity" "$results_dir"

if [[ "${NB_BENCH_NO_BUILD:-}" != 1 ]]; then
  log "building the bench server and the soak driver (Release)"
  for p in "$server_project" "$soak_project"; do
    dotnet build "$p" -c Release -m:1 --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  done
fi

# The broker, as run.sh and fanout.sh start it; its own log goes to bench/results/soak-<time>.broker.log.
broker_log="$results_dir/soak-$stamp.broker.log"
Security__AdminKey="$NB_BENCH_KEY" dotnet "$server_dll" --notifier --port 0 \
  "--Security:KeysFile=$work/identity/keys.json" "--Security:CredentialsFile=$work/identity/credentials.json" \
  >"$broker_log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(awk '/^listening /{print $2}' "$broker_log")"
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$port" ]] || { echo "broker did not start" >&2; cat "$broker_log" >&2; exit 1; }
log "broker pid $server_pid on 127.0.0.1:$port; ${seconds}s at ${rate}/s, $subscribers subscribers (churn 1/s), $slow slow readers"

csv="$results_dir/soak-$stamp.csv"
status=0
timeout -k 10 $(( seconds + 180 )) dotnet "$soak_dll" --port "$port" --pid "$server_pid" --seconds "$seconds" --csv "$csv" \
  --rate "$rate" --subscribers "$subscribers" --slow "$slow" >"$work/summary.txt" || status=$?
kill -0 "$server_pid" 2>/dev/null || { log "the broker died during the soak"; status=4; }
summary="$results_dir/soak-$stamp.summary.txt"
{
  echo "date $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo_root" diff --quiet 2>/dev/null || echo ' (+ local changes)')"
  echo "cpu $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores"
  echo "dotnet $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/{v=$2} END{print v}'), workstation non-concurrent GC (bench server settings)"
  cat "$work/summary.txt"
  echo "csv $csv"
  echo "exit $status"
} >"$summary"
cat "$summary"
exit "$status"
