"""Assertion vocabulary for the cases: failures say what was expected."""
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
