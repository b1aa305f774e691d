#!/usr/bin/env bash
# Shared by the Wine scripts: installs Wine (idempotent) and prepares one fresh, headless WINEPREFIX.
# Source it; it defines functions and exports WINEPREFIX / WINEDEBUG.
set -u

nb_wine_install() {
  if command -v wine >/dev/null 2>&1 && command -v wineserver >/dev/null 2>&1; then
    return 0
  fi
  # One bad index makes apt-get update exit 100 while the rest is usable: don't stop on that.
  apt-get update >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y wine64 wine >/dev/null 2>&1 || return 1
  command -v wine >/dev/null 2>&1
}

# nb_wine_prefix <dir>: a fresh prefix with the null graphics driver (hidden top-level windows with no X server)
# and Windows 10 as the reported version (.NET 10 supports Windows 10+).
nb_wine_prefix() {
  export WINEPREFIX="$1"
  export WINEDEBUG=-all
  # A crash ends the process (and shows in its output) instead of parking it in winedbg.
  export WINEDLLOVERRIDES="winedbg.exe=d"
  unset DISPLAY
  rm -rf "$WINEPREFIX"
  mkdir -p "$(dirname "$WINEPREFIX")"
  # No Wine Mono / Gecko install prompts while the prefix is made. Only here: Wine loads .NET assemblies through
  # mscoree, so disabling it for the programs themselves breaks every .NET start ("Module not found").
  WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d" wineboot -i >/dev/null 2>&1 || return 1
  wine reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f >/dev/null 2>&1 || return 1
  wine reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion' /v CurrentVersion /d 10.0 /f >/dev/null 2>&1
  wine winecfg /v win10 >/dev/null 2>&1 || true
  wineserver -w
}

# nb_ready_url <broker stdout file>: the http://127.0.0.1:<port> the broker reports in its readiness line
# ("NotifyBroker ready: listening on ..."), or nothing before that line is written. Started with port 0, this is the
# only place the real port shows.
nb_ready_url() {
  sed -n 's|.*NotifyBroker ready: listening on \(http://127\.0\.0\.1:[0-9][0-9]*\).*|\1|p' "$1" 2>/dev/null | head -n 1
}
