"""grpc.health.v1 Check: the broker as a whole and the Notifier service are SERVING; an unknown service is NOT_FOUND."""
import grpc

from checks import check, expect_status
from streams import WAIT_S


def health(ctx):
    h = ctx.stubs.health
    for service in ("", "notify.v1.Notifier"):
        reply = ctx.health.Check(h.HealthCheckRequest(service=service), timeout=WAIT_S)
        check(reply.status == h.HealthCheckResponse.SERVING,
              f"Check({service!r}): {h.HealthCheckResponse.ServingStatus.Name(reply.status)}, expected SERVING")
    expect_status(lambda: ctx.health.Check(h.HealthCheckRequest(service="no.such.Service"), timeout=WAIT_S),
                  grpc.StatusCode.NOT_FOUND, "Check('no.such.Service')")


CASES = [health]
