"""Assertion vocabulary for the interop cases: failures say what the interop spec expected."""
import grpc


class CaseFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


def expect_status(call, code, what):
    """Runs call() which must raise grpc.RpcError with `code`; returns the error."""
    try:
        call()
    except grpc.RpcError as err:
        check(err.code() == code, f"{what}: expected {code.name}, got {err.code().name} ({err.details()!r})")
        return err
    raise CaseFailure(f"{what}: expected {code.name}, got OK")


def check_zero_payload(payload, size, what, messages):
    check(payload.type == messages.COMPRESSABLE, f"{what}: payload type {payload.type}, expected COMPRESSABLE")
    check(len(payload.body) == size, f"{what}: payload body {len(payload.body)} bytes, expected {size}")
    check(payload.body == bytes(size), f"{what}: payload body is not all zero bytes")
