"""Subscribe helpers shared by the cases: open a stream and wait until it is live, read events, expect an alias
message."""
from checks import check
from streams import Stream, WAIT_S


def next_event(stream, timeout_s=WAIT_S):
    """The next event that is not a keepalive (a long test may meet one; they carry nothing to check)."""
    while True:
        event = stream.next(timeout_s)
        if event.WhichOneof("kind") != "keepalive":
            return event


def open_stream(ctx, request, timeout_s=None, notifier=None):
    """Opens a Subscribe stream and waits for its Open event (the stream is live from then on)."""
    stream = Stream((notifier or ctx.notifier).Subscribe(request, timeout=timeout_s))
    first = next_event(stream)
    check(first.WhichOneof("kind") == "open", f"first event is {first.WhichOneof('kind')}, expected open")
    return stream, first


def expect_alias_message(stream, alias, text, what):
    """The next event, which must be the alias message `text` sent to `alias`."""
    event = next_event(stream)
    kind = event.WhichOneof("kind")
    check(kind == "alias_message", f"{what}: got a {kind} event, expected alias_message")
    m = event.alias_message
    check(m.alias.lower() == alias.lower() and m.text == text,
          f"{what}: got alias message alias={m.alias!r} text={m.text!r}, expected alias {alias} text {text!r}")
    return event
