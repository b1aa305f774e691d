"""Cancel and deadline cases, each also checked on the server through the host's CallInspector counters."""
import grpc

import call_stats
from checks import check, check_zero_payload
from request_queue import RequestQueue

WAIT_S = 10.0


def _check_code(code, expected, what):
    check(code == expected, f"{what}: expected {expected.name}, got {code.name}")


def cancel_after_begin(ctx):
    baseline = call_stats.get(ctx)
    requests = RequestQueue()  # never sends: the call is cancelled with its request stream open
    future = ctx.test.StreamingInputCall.future(requests)
    try:
        # "Begin" = the call reached its handler; cancelling before the HEADERS frame left would test nothing server-side.
        call_stats.wait_for_handler_started(ctx, baseline)
        future.cancel()
    finally:
        requests.close()
    check(future.cancelled(), "the call could not be cancelled (it had already finished)")
    _check_code(future.code(), grpc.StatusCode.CANCELLED, "StreamingInputCall")
    call_stats.wait_for_cancellation_observed(ctx, baseline)


def cancel_after_first_response(ctx):
    m = ctx.stubs.messages
    baseline = call_stats.get(ctx)
    requests = RequestQueue()
    responses = ctx.test.FullDuplexCall(requests)
    try:
        requests.send(m.StreamingOutputCallRequest(
            response_type=m.COMPRESSABLE, response_parameters=[m.ResponseParameters(size=31415)],
            payload=m.Payload(body=bytes(27182))))
        check_zero_payload(next(responses).payload, 31415, "first response", m)
        responses.cancel()
    finally:
        requests.close()
    _check_code(responses.code(), grpc.StatusCode.CANCELLED, "FullDuplexCall")
    call_stats.wait_for_cancellation_observed(ctx, baseline)


def _sleeping_call(ctx, timeout_s):
    m = ctx.stubs.messages
    requests = RequestQueue()
    requests.send(m.StreamingOutputCallRequest(payload=m.Payload(body=bytes(27182))))
    responses = ctx.test.FullDuplexCall(requests, timeout=timeout_s)
    try:
        try:
            for _ in responses:
                pass
        except grpc.RpcError:
            pass
    finally:
        requests.close()
    return responses.code()


def timeout_on_sleeping_server(ctx):
    # 1) Exactly as specified: 1 ms deadline. It may expire before the request even leaves, so only the client
    #    status and "nothing left running" are asserted for this call.
    baseline = call_stats.get(ctx)
    _check_code(_sleeping_call(ctx, 0.001), grpc.StatusCode.DEADLINE_EXCEEDED, "1 ms deadline FullDuplexCall")
    after = call_stats.wait_for(ctx, lambda s: s.active_calls <= baseline.active_calls,
                                "a handler was left running after the 1 ms deadline call")
    handler_ran = after.completed_calls > baseline.completed_calls
    handler_saw_cancel = (after.cancelled_calls > baseline.cancelled_calls
                          or after.deadline_exceeded_calls > baseline.deadline_exceeded_calls)
    check(not handler_ran or handler_saw_cancel,
          "the 1 ms deadline call ran a handler that did not report the cancellation")

    # 2) A deadline long enough for the handler to be running when it expires: the server must observe it (its own
    #    grpc-timeout timer or the client's RST_STREAM, whichever is first) and release the handler.
    baseline = call_stats.get(ctx)
    _check_code(_sleeping_call(ctx, 2.0), grpc.StatusCode.DEADLINE_EXCEEDED, "2 s deadline FullDuplexCall")
    call_stats.wait_for_cancellation_observed(ctx, baseline, ("cancelled_calls", "deadline_exceeded_calls"))


CASES = [cancel_after_begin, cancel_after_first_response, timeout_on_sleeping_server]
