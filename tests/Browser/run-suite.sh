#!/usr/bin/env bash
# Browser suite: the web console in Debian's chromium, headless, driven by Playwright for .NET (Category=Browser of
# tests/NotifyBroker.Browser.Tests). Playwright never downloads a browser here: NB_CHROMIUM names the executable.
# Screenshots are written to $NB_ARTIFACTS (default tests/Browser/artifacts, ignored by git).
# Convention (tests/run-all.sh): installs what it needs, appends "browser <passed> <failed>" to $NB_RESULTS, exits 0
# even when tests fail; non-zero only when it could not run. Assumes `dotnet build NotifyBroker.sln -c Release` ran.
set -uo pipefail
readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/suite.sh
source "$REPO_ROOT/tests/lib/suite.sh"
# shellcheck source=../lib/dotnet-category.sh
source "$REPO_ROOT/tests/lib/dotnet-category.sh"
WORK_DIR="$(mktemp -d -t nb-browser.XXXXXX)"
suite_init browser "$WORK_DIR"
trap 'rm -rf "$WORK_DIR"' EXIT

if ! command -v chromium >/dev/null; then
  suite_apt_install chromium || { suite_log "could not install chromium"; exit 1; }
fi
export NB_CHROMIUM="$(command -v chromium)"
export NB_ARTIFACTS="${NB_ARTIFACTS:-$REPO_ROOT/tests/Browser/artifacts}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
mkdir -p "$NB_ARTIFACTS"
suite_log "$("$NB_CHROMIUM" --version 2>/dev/null)"
suite_dotnet_category browser "$REPO_ROOT/tests/NotifyBroker.Browser.Tests/NotifyBroker.Browser.Tests.csproj" Browser "$WORK_DIR/log" || exit 1
exit 0
