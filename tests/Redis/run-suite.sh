#!/usr/bin/env bash
# Redis suite: the Redis engine and the fleet (Category=Redis of tests/NotifyBroker.Redis.Tests) against Debian's
# real redis-server, which each test fixture starts itself on a free 127.0.0.1 port (NB_REDIS_SERVER names the
# binary), and real broker processes.
# Convention (tests/run-all.sh): installs what it needs, appends "redis <passed> <failed>" to $NB_RESULTS, exits 0
# even when tests fail; non-zero only when it could not run. Assumes `dotnet build NotifyBroker.sln -c Release` ran.
set -uo pipefail
readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/suite.sh
source "$REPO_ROOT/tests/lib/suite.sh"
# shellcheck source=../lib/dotnet-category.sh
source "$REPO_ROOT/tests/lib/dotnet-category.sh"
WORK_DIR="$(mktemp -d -t nb-redis.XXXXXX)"
suite_init redis "$WORK_DIR"
trap 'rm -rf "$WORK_DIR"' EXIT

if ! command -v redis-server >/dev/null; then
  suite_apt_install redis-server || { suite_log "could not install redis-server"; exit 1; }
fi
export NB_REDIS_SERVER="$(command -v redis-server)"
suite_log "$("$NB_REDIS_SERVER" --version)"
suite_dotnet_category redis "$REPO_ROOT/tests/NotifyBroker.Redis.Tests/NotifyBroker.Redis.Tests.csproj" Redis "$WORK_DIR/log" || exit 1
exit 0
