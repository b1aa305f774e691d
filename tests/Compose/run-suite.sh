#!/usr/bin/env bash
# Compose suite: validates docker-compose.yml (the broker, the OpenTelemetry Collector and Jaeger) without a Docker
# engine: `docker compose config -q` with the compose v2 plugin when it is there, else Debian's docker-compose 1.29
# (installed here if missing). The same test also requires deploy/otel-collector.yaml to be well-formed YAML with
# the receivers, exporters and pipelines the compose file relies on.
# Appends "compose <passed> <failed>" to $NB_RESULTS; exits non-zero only if it could not run at all.
set -uo pipefail

SUITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SUITE_DIR/../.." && pwd)"
RESULTS="${NB_RESULTS:-/dev/stdout}"
# shellcheck source=../lib/suite.sh
source "$REPO_ROOT/tests/lib/suite.sh"
suite_init compose

log() { suite_log "$@" >&2; }

compose_command() {
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
    return 0
  fi
  if ! command -v docker-compose >/dev/null 2>&1; then
    log "installing docker-compose (Debian)"
    suite_apt_update_once >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null 2>&1 || return 1
  fi
  command -v docker-compose >/dev/null 2>&1 && echo "docker-compose"
}

collector_config_is_valid() {
  python3 - "$REPO_ROOT/deploy/otel-collector.yaml" <<'PY'
import sys
import yaml

with open(sys.argv[1]) as f:
    config = yaml.safe_load(f)
pipelines = config["service"]["pipelines"]
for name in ("traces", "metrics"):
    pipeline = pipelines[name]
    for kind in ("receivers", "processors", "exporters"):
        for component in pipeline.get(kind, []):
            if component not in config[kind]:
                sys.exit(f"{name} pipeline uses undefined {kind[:-1]} {component}")
if "otlp" not in pipelines["traces"]["receivers"]:
    sys.exit("traces must be received over OTLP")
print("collector config ok", file=sys.stderr)
PY
}

cd "$REPO_ROOT" || exit 1
compose="$(compose_command)" || { log "no docker compose and docker-compose could not be installed"; exit 1; }
if ! python3 -c 'import yaml' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-yaml >/dev/null 2>&1 || { log "python3-yaml missing"; exit 1; }
fi

log "validating docker-compose.yml with: $compose"
passed=0
failed=0
if $compose -f docker-compose.yml config -q && collector_config_is_valid; then
  log "PASS compose file and collector config"
  passed=1
else
  log "FAIL compose file or collector config"
  failed=1
fi

echo "compose $passed $failed" >> "$RESULTS"
exit 0
