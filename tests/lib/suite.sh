#!/usr/bin/env bash
# Shared helpers for the extra test suites (tests/<Suite>/run-suite.sh): logging, the results line, Debian installs
# with one apt-get update per run, waiting for a started process's readiness line and stopping it within a bound.
# Source it, then call suite_init once. It only defines functions and the SUITE_* variables below.
#
# Globals set by suite_init:
#   SUITE_TAG           log prefix, printed as "[<tag>] "
#   SUITE_WORK_DIR      the suite's per-run scratch folder (the default home of the apt marker and the results file)
#   SUITE_RESULTS_FILE  $NB_RESULTS, or <work dir>/results when the suite runs on its own

# suite_init <tag> [work dir]
suite_init() {
  SUITE_TAG=$1
  SUITE_WORK_DIR=${2:-}
  SUITE_RESULTS_FILE="${NB_RESULTS:-${SUITE_WORK_DIR:+$SUITE_WORK_DIR/results}}"
}

# suite_log <words...>: one "[<tag>] ..." line on stdout.
suite_log() { printf '[%s] %s\n' "$SUITE_TAG" "$*"; }

# suite_indent: copies stdin to stdout as "[<tag>]   ..." lines (for quoting a process's output in the log).
suite_indent() { sed "s/^/[$SUITE_TAG]   /"; }

# suite_record <suite name> <passed> <failed>: appends the run-all.sh results line and logs it.
suite_record() {
  printf '%s %d %d\n' "$1" "$2" "$3" >>"$SUITE_RESULTS_FILE"
  suite_log "result: $1 $2 passed, $3 failed"
}

# suite_as_root <command...>: runs the command as root (directly when we are root, else through sudo).
suite_as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# The marker whose existence means "apt-get update already ran in this run": $NB_APT_UPDATE_MARKER (set by
# run-all.sh and shared by all suites), else one in the work dir; empty when neither is there.
suite_apt_update_marker() { printf '%s' "${NB_APT_UPDATE_MARKER:-${SUITE_WORK_DIR:+$SUITE_WORK_DIR/apt-updated}}"; }

# suite_apt_update_once: apt-get update, unless it already ran in this run. Its exit code 100 (one index failed to
# download) must not stop a suite: installs work from the other lists, so it is logged and ignored.
suite_apt_update_once() {
  local marker
  marker=$(suite_apt_update_marker)
  [[ -n $marker && -e $marker ]] && return 0
  suite_as_root env DEBIAN_FRONTEND=noninteractive apt-get update || suite_log "apt-get update exited $? (ignored)"
  [[ -n $marker ]] && touch "$marker"
  return 0
}

# suite_apt_install <package...>: installs the Debian packages that are not installed yet (nothing to do, no update
# when all are there). Returns apt-get install's exit code.
suite_apt_install() {
  local missing=() package marker
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  marker=$(suite_apt_update_marker)
  [[ -n $marker && -e $marker ]] || suite_log "apt-get update (once per run)"
  suite_apt_update_once
  suite_log "apt-get install ${missing[*]}"
  suite_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# suite_wait_ready <pid> <timeout s> <probe> [probe args...]: runs the probe (a command printing what the process's
# readiness line says, or nothing yet) every 0.2 s and prints its first non-empty answer. Returns 0 then, 1 when the
# process exits first, 2 when the timeout passes first. Started on port 0, a process's readiness line is the only
# place its real port shows, and it can only come from that process.
suite_wait_ready() {
  local pid=$1 timeout_s=$2 answer
  shift 2
  local deadline=$((SECONDS + timeout_s))
  while true; do
    answer=$("$@")
    if [[ -n $answer ]]; then
      printf '%s' "$answer"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS >= deadline)) && return 2
    sleep 0.2
  done
}

# suite_stop_process <pid> <timeout s> [what]: SIGTERM, a bounded wait for the exit, SIGKILL (logged as "<what> pid
# <pid> did not stop ...") if it is still there, then reaps it. Must run in the shell that started the process.
# Returns 1 if the process had already died before it was asked to stop (a crash the caller counts as a failure).
suite_stop_process() {
  local pid=$1 timeout_s=$2 what=${3:-process} was_alive=0
  kill -0 "$pid" 2>/dev/null && was_alive=1
  kill -TERM "$pid" 2>/dev/null
  local deadline=$((SECONDS + timeout_s))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    suite_log "$what pid $pid did not stop within ${timeout_s} s; killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  [[ $was_alive -eq 1 ]]
}
