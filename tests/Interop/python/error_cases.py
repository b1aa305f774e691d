"""Failed calls carry a gRPC status plus google.rpc.ErrorInfo (domain notify.v1, the Win32/NERR name and code)."""
import grpc

from checks import expect_status
from error_details import check_error_info
from streams import WAIT_S


def errors(ctx):
    n = ctx.stubs.notifier
    nobody = ctx.unique("nobody")
    err = expect_status(lambda: ctx.notifier.Send(n.SendRequest(msg_name=nobody, text="anyone?"), timeout=WAIT_S),
                        grpc.StatusCode.NOT_FOUND, f"Send to {nobody}")
    check_error_info(ctx, err, "NERR_NameNotFound", "2273", "Send to an alias nobody holds")

    request = n.BroadcastRequest(registered_name=ctx.unique("Bad"), flags=0x800)
    err = expect_status(lambda: ctx.notifier.Broadcast(request, timeout=WAIT_S),
                        grpc.StatusCode.INVALID_ARGUMENT, "Broadcast with flags 0x800")
    check_error_info(ctx, err, "ERROR_INVALID_PARAMETER", "87", "Broadcast with an unknown flag bit")


CASES = [errors]
