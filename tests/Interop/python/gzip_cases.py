"""gzip both ways (the suite starts the broker with --Grpc:ResponseCompression=gzip): a channel opened with
compression=grpc.Compression.Gzip compresses every request, and grpcio accepts gzip replies. grpcio does not say
whether a received message was compressed; the Node and C++ clients check that flag."""
from checks import check
from events import expect_alias_message, open_stream
from messaging_cases import send_text
from streams import WAIT_S


def gzip(ctx):
    n = ctx.stubs.notifier
    notifier = ctx.gzip_notifier
    alias = ctx.unique("gzip")
    text = "compressible " * 40  # long enough that gzip really shrinks it
    stream, _ = open_stream(ctx, n.SubscribeRequest(hold_aliases=[alias]), notifier=notifier)
    try:
        reply = send_text(ctx, alias, text, notifier=notifier)
        check(reply.recipients >= 1, f"gzip Send: recipients {reply.recipients}, expected >= 1")
        expect_alias_message(stream, alias, text, "gzip Subscribe stream")
    finally:
        stream.cancel()


def gzip_empty_reply(ctx):
    """AddAlias and DeleteAlias answer empty messages, which compressed must still be valid gzip streams."""
    n = ctx.stubs.notifier
    alias = ctx.unique("empty")
    ctx.gzip_notifier.AddAlias(n.AddAliasRequest(name=alias), timeout=WAIT_S)
    listed = ctx.gzip_notifier.ListAliases(n.ListAliasesRequest(), timeout=WAIT_S).aliases
    check(any(a.name.lower() == alias.lower() and a.registered for a in listed),
          f"ListAliases after AddAlias lacks {alias}")
    ctx.gzip_notifier.DeleteAlias(n.DeleteAliasRequest(name=alias), timeout=WAIT_S)


CASES = [gzip, gzip_empty_reply]
