"""The basic interop cases (grpc/grpc doc/interop-test-descriptions.md); what each sends and asserts follows the spec."""
import grpc

from checks import check, check_zero_payload, expect_status
from request_queue import RequestQueue

CLIENT_STREAMING_SIZES = (27182, 8, 1828, 45904)
SERVER_STREAMING_SIZES = (31415, 9, 2653, 58979)
ECHO_INITIAL = ("x-grpc-test-echo-initial", "test_initial_metadata_value")
ECHO_TRAILING = ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab")
SPECIAL_STATUS_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"


def large_request(m, **extra):
    return m.SimpleRequest(response_type=m.COMPRESSABLE, response_size=314159,
                           payload=m.Payload(body=bytes(271828)), **extra)


def _check_echoed(initial, trailing, what):
    got_initial = [v for k, v in (initial or ()) if k == ECHO_INITIAL[0]]
    check(got_initial == [ECHO_INITIAL[1]], f"{what}: initial metadata {ECHO_INITIAL[0]} = {got_initial!r}")
    got_trailing = [v for k, v in (trailing or ()) if k == ECHO_TRAILING[0]]
    check(got_trailing == [ECHO_TRAILING[1]], f"{what}: trailing metadata {ECHO_TRAILING[0]} = {got_trailing!r}")


def empty_unary(ctx):
    response = ctx.test.EmptyCall(ctx.stubs.empty.Empty())
    check(response is not None, "EmptyCall returned no message")


def large_unary(ctx):
    m = ctx.stubs.messages
    response = ctx.test.UnaryCall(large_request(m))
    check_zero_payload(response.payload, 314159, "UnaryCall", m)


def client_streaming(ctx):
    m = ctx.stubs.messages
    requests = (m.StreamingInputCallRequest(payload=m.Payload(body=bytes(n))) for n in CLIENT_STREAMING_SIZES)
    response = ctx.test.StreamingInputCall(requests)
    check(response.aggregated_payload_size == 74922,
          f"aggregated_payload_size {response.aggregated_payload_size}, expected 74922")


def server_streaming(ctx):
    m = ctx.stubs.messages
    request = m.StreamingOutputCallRequest(
        response_type=m.COMPRESSABLE, response_parameters=[m.ResponseParameters(size=n) for n in SERVER_STREAMING_SIZES])
    responses = list(ctx.test.StreamingOutputCall(request))
    check(len(responses) == len(SERVER_STREAMING_SIZES), f"{len(responses)} responses, expected 4")
    for i, (response, size) in enumerate(zip(responses, SERVER_STREAMING_SIZES)):
        check_zero_payload(response.payload, size, f"response #{i + 1}", m)


def ping_pong(ctx):
    m = ctx.stubs.messages
    requests = RequestQueue()
    responses = ctx.test.FullDuplexCall(requests)
    try:
        for i, (request_size, response_size) in enumerate(zip(CLIENT_STREAMING_SIZES, SERVER_STREAMING_SIZES)):
            # The next request goes out only after the previous reply came back: proves true full duplex.
            requests.send(m.StreamingOutputCallRequest(
                response_type=m.COMPRESSABLE, response_parameters=[m.ResponseParameters(size=response_size)],
                payload=m.Payload(body=bytes(request_size))))
            reply = next(responses)
            check_zero_payload(reply.payload, response_size, f"reply #{i + 1}", m)
        requests.close()
        rest = list(responses)
        check(not rest, f"{len(rest)} unexpected responses after the 4 rounds")
        check(responses.code() == grpc.StatusCode.OK, f"call ended with {responses.code().name}")
    finally:
        requests.close()
        responses.cancel()


def empty_stream(ctx):
    responses = list(ctx.test.FullDuplexCall(iter(())))
    check(not responses, f"{len(responses)} responses, expected 0")


def custom_metadata(ctx):
    m = ctx.stubs.messages
    metadata = (ECHO_INITIAL, ECHO_TRAILING)
    response, call = ctx.test.UnaryCall.with_call(large_request(m), metadata=metadata)
    check_zero_payload(response.payload, 314159, "UnaryCall", m)
    _check_echoed(call.initial_metadata(), call.trailing_metadata(), "UnaryCall")

    request = m.StreamingOutputCallRequest(
        response_type=m.COMPRESSABLE, response_parameters=[m.ResponseParameters(size=314159)],
        payload=m.Payload(body=bytes(271828)))
    call = ctx.test.FullDuplexCall(iter([request]), metadata=metadata)
    responses = list(call)
    check(len(responses) == 1, f"FullDuplexCall: {len(responses)} responses, expected 1")
    check_zero_payload(responses[0].payload, 314159, "FullDuplexCall", m)
    _check_echoed(call.initial_metadata(), call.trailing_metadata(), "FullDuplexCall")


def status_code_and_message(ctx):
    m = ctx.stubs.messages
    status = m.EchoStatus(code=2, message="test status message")
    err = expect_status(lambda: ctx.test.UnaryCall(m.SimpleRequest(response_status=status)),
                        grpc.StatusCode.UNKNOWN, "UnaryCall")
    check(err.details() == status.message, f"UnaryCall: message {err.details()!r}, expected {status.message!r}")
    err = expect_status(
        lambda: list(ctx.test.FullDuplexCall(iter([m.StreamingOutputCallRequest(response_status=status)]))),
        grpc.StatusCode.UNKNOWN, "FullDuplexCall")
    check(err.details() == status.message, f"FullDuplexCall: message {err.details()!r}, expected {status.message!r}")


def special_status_message(ctx):
    m = ctx.stubs.messages
    request = m.SimpleRequest(response_status=m.EchoStatus(code=2, message=SPECIAL_STATUS_MESSAGE))
    err = expect_status(lambda: ctx.test.UnaryCall(request), grpc.StatusCode.UNKNOWN, "UnaryCall")
    check(err.details() == SPECIAL_STATUS_MESSAGE,
          f"message {err.details()!r}, expected {SPECIAL_STATUS_MESSAGE!r}")


def unimplemented_method(ctx):
    expect_status(lambda: ctx.test.UnimplementedCall(ctx.stubs.empty.Empty()), grpc.StatusCode.UNIMPLEMENTED,
                  "TestService/UnimplementedCall")


def unimplemented_service(ctx):
    expect_status(lambda: ctx.unimplemented.UnimplementedCall(ctx.stubs.empty.Empty()),
                  grpc.StatusCode.UNIMPLEMENTED, "UnimplementedService/UnimplementedCall")


CASES = [empty_unary, large_unary, client_streaming, server_streaming, ping_pong, empty_stream, custom_metadata,
         status_code_and_message, special_status_message, unimplemented_method, unimplemented_service]
