#!/usr/bin/env bash
# Compose suite: validates docker-compose.yml (the broker, the OpenTelemetry Collector and Jaeger) and the broker's
# Dockerfile without a Docker engine: `docker compose config` with the compose v2 plugin when it is there, else
# Debian's docker-compose 1.29 (installed here if missing). Checks, one test each:
#   compose-config       the file resolves (with NOTIFY_ADMIN_KEY set), and deploy/otel-collector.yaml is well-formed
#                        YAML with the receivers, exporters and pipelines the compose file relies on
#   admin-key-required   without NOTIFY_ADMIN_KEY it does not resolve, and says to set NOTIFY_ADMIN_KEY; with it, the
#                        broker gets it as Security__AdminKey
#   loopback-only        every port of every service is published on the Docker host's 127.0.0.1 only
#   network-exposure     the broker's rule holds for the container: the image listens on every interface; in plaintext
#                        that needs Security__AllowInsecureNetwork=true, which is given only where every published
#                        broker port is on loopback; the image itself does not allow plaintext
# Appends "compose <passed> <failed>" to $NB_RESULTS; exits non-zero only if it could not run at all.
set -uo pipefail

SUITE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SUITE_DIR/../.." && pwd)"
RESULTS="${NB_RESULTS:-/dev/stdout}"
# shellcheck source=../lib/suite.sh
source "$REPO_ROOT/tests/lib/suite.sh"
suite_init compose

log() { suite_log "$@" >&2; }

# Waits for a dpkg lock held by another suite's install instead of failing on it.
apt_install() {
  suite_apt_update_once >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null 2>&1
}

compose_command() {
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
    return 0
  fi
  if ! command -v docker-compose >/dev/null 2>&1; then
    log "installing docker-compose (Debian)"
    apt_install docker-compose || return 1
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

# resolved_checks <resolved compose YAML> <admin key> <check>: one of the checks above on `compose config`'s output
# (the short port syntax of docker-compose 1.29 and the long one of compose v2 both understood).
resolved_checks() {
  python3 - "$1" "$2" "$3" "$REPO_ROOT/src/NotifyBroker.Server/Dockerfile" <<'PY'
import ipaddress
import shlex
import sys
import yaml

resolved_path, admin_key, check, dockerfile = sys.argv[1:5]
with open(resolved_path) as f:
    services = yaml.safe_load(f)["services"]
broker = services["broker"]


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def published(service):
    """(host_ip, published port) of each published port; host_ip "" means every interface."""
    out = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            out.append((port.get("host_ip") or "", str(port.get("published") or "")))
            continue
        spec = str(port).split("/", 1)[0]
        parts = spec.rsplit(":", 2)
        if len(parts) == 3:
            out.append((parts[0].strip("[]"), parts[1]))
        elif len(parts) == 2:
            out.append(("", parts[0]))
        else:
            out.append(("", ""))  # only a container port: Docker picks a host port on every interface
    return out


def is_loopback(host_ip):
    try:
        return ipaddress.ip_address(host_ip).is_loopback
    except ValueError:
        return host_ip.lower() == "localhost"


def dockerfile_env():
    """The ENV of the Dockerfile's last stage (continuation lines joined)."""
    with open(dockerfile) as f:
        text = f.read().replace("\\\n", " ")
    env = {}
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.upper().startswith("FROM "):
            env = {}
        elif stripped.upper().startswith("ENV "):
            for token in shlex.split(stripped[4:]):
                key, _, value = token.partition("=")
                env[key] = value
    return env


def fail(message):
    sys.exit(f"FAIL: {message}")


image = dockerfile_env()
env = {**image, **environment(broker)}
if check == "admin-key":
    if env.get("Security__AdminKey") != admin_key:
        fail(f"broker Security__AdminKey is {env.get('Security__AdminKey')!r}, expected NOTIFY_ADMIN_KEY's value")
elif check == "loopback-only":
    for name, service in services.items():
        for host_ip, port in published(service):
            if not is_loopback(host_ip):
                fail(f"service {name} publishes port {port or '?'} on {host_ip or 'every interface'}")
elif check == "network-exposure":
    urls = [u for u in env.get("ASPNETCORE_URLS", "").split(";") if u]
    if not urls:
        fail("the broker has no ASPNETCORE_URLS (the image must listen on every interface of the container)")
    if image.get("Security__AllowInsecureNetwork", "").lower() == "true":
        fail("the image itself sets Security__AllowInsecureNetwork=true: plaintext must be an explicit choice per deployment")
    if image.get("ASPNETCORE_HTTP_PORTS", None) != "":
        fail("the image must clear ASPNETCORE_HTTP_PORTS (the base image sets 8080) so ASPNETCORE_URLS alone decides")
    for url in urls:
        scheme, _, rest = url.partition("://")
        host = rest.rsplit(":", 1)[0] if ":" in rest else rest
        if host not in ("+", "*", "0.0.0.0", "[::]"):
            fail(f"the broker listens on {url}: in a container it must listen on every interface to be reachable")
        if scheme.lower() == "https":
            if not env.get("Kestrel__Certificates__Default__Path"):
                fail(f"{url} without Kestrel__Certificates__Default__Path")
            continue
        if env.get("Security__AllowInsecureNetwork", "").lower() != "true":
            fail(f"plaintext {url} without Security__AllowInsecureNetwork=true: the broker would refuse to start")
        wide = [(h, p) for h, p in published(broker) if not is_loopback(h)]
        if wide:
            fail(f"plaintext {url} allowed while broker port(s) {wide} are published beyond loopback")
else:
    fail(f"unknown check {check}")
PY
}

cd "$REPO_ROOT" || exit 1
compose="$(compose_command)" || { log "no docker compose and docker-compose could not be installed"; exit 1; }
if ! python3 -c 'import yaml' 2>/dev/null; then
  apt_install python3-yaml || { log "python3-yaml missing"; exit 1; }
fi

log "validating docker-compose.yml with: $compose"
work="$(mktemp -d -t nb-compose.XXXXXX)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
outcome() { # outcome <name> <command...>
  local name=$1
  shift
  if "$@" >"$work/$name.out" 2>&1; then
    log "PASS $name"
    passed=$((passed + 1))
  else
    log "FAIL $name:"
    suite_indent <"$work/$name.out" >&2
    failed=$((failed + 1))
  fi
}

key="compose-suite-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
resolves() { NOTIFY_ADMIN_KEY="$key" $compose -f docker-compose.yml config >"$work/resolved.yml" && collector_config_is_valid; }
outcome compose-config resolves

refuses_without_key() {
  : >"$work/empty.env" # and no .env file's NOTIFY_ADMIN_KEY either
  if env -u NOTIFY_ADMIN_KEY $compose --env-file "$work/empty.env" -f docker-compose.yml config >"$work/nokey.out" 2>&1; then
    echo "resolved without NOTIFY_ADMIN_KEY: the broker would start with no admin key"
    return 1
  fi
  grep -q "set NOTIFY_ADMIN_KEY" "$work/nokey.out" || { echo "no hint to set NOTIFY_ADMIN_KEY:"; cat "$work/nokey.out"; return 1; }
  resolved_checks "$work/resolved.yml" "$key" admin-key
}
outcome admin-key-required refuses_without_key
outcome loopback-only resolved_checks "$work/resolved.yml" "$key" loopback-only
outcome network-exposure resolved_checks "$work/resolved.yml" "$key" network-exposure

echo "compose $passed $failed" >> "$RESULTS"
exit 0
