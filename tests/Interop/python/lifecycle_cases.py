"""A Subscribe stream that ends by deadline or by cancellation must end on the server too: the aliases it held are
released. The client-side status alone proves nothing (grpc core makes it locally), ListAliases' holders does."""
import grpc

from aliases import holders_of, wait_for_holders
from checks import check
from events import open_stream


def deadline(ctx):
    alias = ctx.unique("deadline")
    # Open arrives only once the server holds the alias; the 1 s deadline then ends the stream.
    stream, _ = open_stream(ctx, ctx.stubs.notifier.SubscribeRequest(hold_aliases=[alias]), timeout_s=1.0)
    code = stream.end()
    check(code == grpc.StatusCode.DEADLINE_EXCEEDED, f"the stream ended with {code.name}, expected DEADLINE_EXCEEDED")
    wait_for_holders(ctx, alias, 0)


def cancellation(ctx):
    alias = ctx.unique("cancel")
    stream, _ = open_stream(ctx, ctx.stubs.notifier.SubscribeRequest(hold_aliases=[alias]))
    holders = holders_of(ctx, alias)
    check(holders == 1, f"alias {alias}: {holders} holder(s) while the stream is open, expected 1")
    stream.cancel()
    code = stream.end()
    check(code == grpc.StatusCode.CANCELLED, f"the stream ended with {code.name}, expected CANCELLED")
    wait_for_holders(ctx, alias, 0)


CASES = [deadline, cancellation]
