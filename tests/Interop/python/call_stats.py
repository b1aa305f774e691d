"""Reads the host's CallInspector counters. The client-side status of a cancel/deadline case is produced locally by
grpc, so each such case also checks that the server handler saw the cancellation and left nothing running."""
import time

from checks import check

POLL_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.02


def get(ctx):
    return ctx.inspector.GetCallStats(ctx.stubs.inspector.CallStatsRequest(), timeout=POLL_TIMEOUT_S)


def _fmt(stats):
    return (f"active={stats.active_calls} cancelled={stats.cancelled_calls} "
            f"deadline_exceeded={stats.deadline_exceeded_calls} completed={stats.completed_calls}")


def wait_for(ctx, predicate, what):
    give_up_at = time.monotonic() + POLL_TIMEOUT_S
    stats = get(ctx)
    while not predicate(stats):
        check(time.monotonic() < give_up_at, f"{what} (after {POLL_TIMEOUT_S:.0f} s; server counters {_fmt(stats)})")
        time.sleep(POLL_INTERVAL_S)
        stats = get(ctx)
    return stats


def wait_for_handler_started(ctx, baseline):
    return wait_for(ctx, lambda s: s.active_calls > baseline.active_calls,
                    "server never started a handler for the call")


def wait_for_cancellation_observed(ctx, baseline, counters=("cancelled_calls",)):
    return wait_for(
        ctx,
        lambda s: any(getattr(s, c) > getattr(baseline, c) for c in counters)
        and s.active_calls <= baseline.active_calls,
        f"server did not report the cancellation ({' or '.join(counters)} increased) with active_calls back to "
        f"{baseline.active_calls}")
