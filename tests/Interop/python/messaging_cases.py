"""The Notifier's own flows: Send to an alias a stream holds, Broadcast of a registered window message to a filtered
stream, and a resume after a disconnect that replays exactly what was missed."""
from checks import check
from events import expect_alias_message, next_event, open_stream
from streams import WAIT_S

BSF_POSTMESSAGE = 0x10
FROM_NAME = "interop-python"


def send_text(ctx, alias, text, notifier=None):
    n = ctx.stubs.notifier
    reply = (notifier or ctx.notifier).Send(n.SendRequest(msg_name=alias, text=text, from_name=FROM_NAME), timeout=WAIT_S)
    check(reply.path == n.SEND_PATH_ALIAS, f"Send({alias}): path {n.SendPath.Name(reply.path)}, expected SEND_PATH_ALIAS")
    return reply


def send(ctx):
    alias = ctx.unique("send")
    stream, _ = open_stream(ctx, ctx.stubs.notifier.SubscribeRequest(hold_aliases=[alias]))
    try:
        reply = send_text(ctx, alias, "hello from grpcio")
        check(reply.recipients >= 1, f"Send: recipients {reply.recipients}, expected >= 1")
        event = expect_alias_message(stream, alias, "hello from grpcio", "the held alias")
        check(event.alias_message.from_name == FROM_NAME,
              f"from_name {event.alias_message.from_name!r}, expected {FROM_NAME!r}")
    finally:
        stream.cancel()


def broadcast(ctx):
    n = ctx.stubs.notifier
    name = ctx.unique("Refresh")
    stream, _ = open_stream(ctx, n.SubscribeRequest(registered_names=[name]))
    try:
        reply = ctx.notifier.Broadcast(n.BroadcastRequest(registered_name=name, flags=BSF_POSTMESSAGE, wparam=42),
                                       timeout=WAIT_S)
        check(reply.result > 0, f"Broadcast: result {reply.result}, expected > 0")
        event = next_event(stream)
        kind = event.WhichOneof("kind")
        check(kind == "window_message", f"got a {kind} event, expected window_message")
        m = event.window_message
        check(m.id == reply.message_id and m.wparam == 42,
              f"window message id {m.id} wparam {m.wparam}, expected id {reply.message_id} (the reply's) wparam 42")
    finally:
        stream.cancel()


def resume(ctx):
    n = ctx.stubs.notifier
    alias = ctx.unique("resume")
    # A second stream holds the alias throughout, so the two Sends while the first stream is gone still land in
    # history (and the alias never disappears from the name table).
    keeper, _ = open_stream(ctx, n.SubscribeRequest(hold_aliases=[alias]))
    try:
        first, _ = open_stream(ctx, n.SubscribeRequest(aliases=[alias]))
        send_text(ctx, alias, "seen")
        seen = expect_alias_message(first, alias, "seen", "before the disconnect").position
        first.cancel()

        send_text(ctx, alias, "missed 1")
        send_text(ctx, alias, "missed 2")
        stream, open_event = open_stream(ctx, n.SubscribeRequest(aliases=[alias], after=seen))
        try:
            check(open_event.open.recovered, f"Open.recovered is false after {seen.offset}@{seen.epoch}")
            one = expect_alias_message(stream, alias, "missed 1", "first replayed event").position
            two = expect_alias_message(stream, alias, "missed 2", "second replayed event").position
            check(one.epoch == seen.epoch and two.epoch == seen.epoch, "the replayed events carry another epoch")
            check(seen.offset < one.offset < two.offset,
                  f"positions out of order: {seen.offset}, {one.offset}, {two.offset}")
            # A live message right after proves nothing else (no duplicate) was queued behind the two.
            send_text(ctx, alias, "live")
            expect_alias_message(stream, alias, "live", "the event after the replay")
        finally:
            stream.cancel()
    finally:
        keeper.cancel()


CASES = [send, broadcast, resume]
