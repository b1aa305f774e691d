"""ListAliases as the server's own account of open Subscribe streams: a held alias counts one holder per live stream,
so its holders falling back to 0 shows the server saw a stream end and released it."""
import time

from checks import check
from streams import WAIT_S

POLL_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.05


def holders_of(ctx, name):
    """The holders of `name` (0 when the broker does not list it)."""
    reply = ctx.notifier.ListAliases(ctx.stubs.notifier.ListAliasesRequest(), timeout=WAIT_S)
    return next((a.holders for a in reply.aliases if a.name.lower() == name.lower()), 0)


def wait_for_holders(ctx, name, expected):
    """Polls ListAliases until `name` has `expected` holders; fails after POLL_TIMEOUT_S."""
    give_up_at = time.monotonic() + POLL_TIMEOUT_S
    holders = holders_of(ctx, name)
    while holders != expected:
        check(time.monotonic() < give_up_at,
              f"alias {name}: still {holders} holder(s) after {POLL_TIMEOUT_S:.0f} s, expected {expected}")
        time.sleep(POLL_INTERVAL_S)
        holders = holders_of(ctx, name)
