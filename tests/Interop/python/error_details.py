"""Decodes the rich error model: trailer grpc-status-details-bin holds a google.rpc.Status whose details (Any)
carry a google.rpc.ErrorInfo."""
from checks import CaseFailure, check


def error_info_of(ctx, err, what):
    """The ErrorInfo of a failed call's trailers; fails the case when there is none."""
    trailers = dict(err.trailing_metadata() or ())
    blob = trailers.get("grpc-status-details-bin")
    check(blob, f"{what}: no grpc-status-details-bin trailer")
    status = ctx.stubs.status.Status.FromString(blob)
    check(status.code == err.code().value[0],
          f"{what}: google.rpc.Status.code {status.code} differs from the call's {err.code().name}")
    error_info = ctx.stubs.error_details.ErrorInfo
    for detail in status.details:
        if detail.Is(error_info.DESCRIPTOR):
            info = error_info()
            detail.Unpack(info)
            return info
    raise CaseFailure(f"{what}: no google.rpc.ErrorInfo in the details "
                         f"({', '.join(d.type_url for d in status.details)})")


def check_error_info(ctx, err, reason, code, what):
    """Checks reason, domain "notify.v1" and metadata["code"] of a failed call's ErrorInfo."""
    info = error_info_of(ctx, err, what)
    check(info.reason == reason and info.domain == "notify.v1" and info.metadata.get("code") == code,
          f"{what}: ErrorInfo reason={info.reason!r} domain={info.domain!r} metadata={dict(info.metadata)}, "
          f"expected reason {reason}, domain notify.v1, code {code}")
