#!/usr/bin/env bash
# Shared by the Wine scripts: installs Wine (idempotent, through tests/lib/suite.sh) and prepares one fresh, headless
# WINEPREFIX. Source it; it sources tests/lib/suite.sh, defines functions and exports WINEPREFIX / WINEDEBUG when a
# prefix is made.
set -u

# shellcheck source=../lib/suite.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)/suite.sh"

# The Debian packages: wine64 (the 64-bit Wine 8.0 of bookworm, 8.0~repack-4) and wine (the launchers). Installed with
# their recommends, unlike suite_apt_install: libwine's recommends are the libraries Wine loads at run time (gnutls,
# krb5, ...), and the suite is verified with them.
readonly NB_WINE_PACKAGES=(wine64 wine)

# nb_wine_install: nothing when wine and wineserver are there; otherwise apt-get update (once per run: the marker of
# tests/lib/suite.sh, shared with the other suites) and apt-get install. Needs suite_init to have run.
nb_wine_install() {
  if command -v wine >/dev/null 2>&1 && command -v wineserver >/dev/null 2>&1; then
    return 0
  fi
  local marker
  marker=$(suite_apt_update_marker)
  [[ -n $marker && -e $marker ]] || suite_log "apt-get update (once per run)"
  suite_apt_update_once
  suite_log "apt-get install ${NB_WINE_PACKAGES[*]}"
  suite_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${NB_WINE_PACKAGES[@]}" || return 1
  command -v wine >/dev/null 2>&1 && command -v wineserver >/dev/null 2>&1
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
