"""Compression cases as far as grpc's Python API allows: per-call gzip (compression=grpc.Compression.Gzip), no
per-message NoCompress and no view of whether a received message was compressed. So the client-compressed cases are
proven by the server's expect_compressed check, the server-compressed ones only show that the host's compressed
responses decode correctly. The C++ client checks the compressed flags precisely."""
import grpc

from basic_cases import large_request
from checks import check, check_zero_payload, expect_status


def client_compressed_unary(ctx):
    m = ctx.stubs.messages
    # Probe: an uncompressed request claiming to be compressed must be rejected, else the rest proves nothing.
    expect_status(lambda: ctx.test.UnaryCall(large_request(m, expect_compressed=m.BoolValue(value=True))),
                  grpc.StatusCode.INVALID_ARGUMENT, "probe (uncompressed request with expect_compressed=true)")
    response = ctx.test.UnaryCall(large_request(m, expect_compressed=m.BoolValue(value=True)),
                                  compression=grpc.Compression.Gzip)
    check_zero_payload(response.payload, 314159, "compressed request", m)
    response = ctx.test.UnaryCall(large_request(m, expect_compressed=m.BoolValue(value=False)))
    check_zero_payload(response.payload, 314159, "uncompressed request", m)


def server_compressed_unary(ctx):
    m = ctx.stubs.messages
    for compressed in (True, False):
        response = ctx.test.UnaryCall(large_request(m, response_compressed=m.BoolValue(value=compressed)))
        check_zero_payload(response.payload, 314159, f"response_compressed={compressed}", m)


def client_compressed_streaming(ctx):
    m = ctx.stubs.messages
    probe = m.StreamingInputCallRequest(payload=m.Payload(body=bytes(27182)), expect_compressed=m.BoolValue(value=True))
    expect_status(lambda: ctx.test.StreamingInputCall(iter([probe])), grpc.StatusCode.INVALID_ARGUMENT,
                  "probe (uncompressed message with expect_compressed=true)")
    requests = [
        m.StreamingInputCallRequest(payload=m.Payload(body=bytes(27182)), expect_compressed=m.BoolValue(value=True)),
        # Python cannot send this one uncompressed on a gzip call; expect_compressed=false accepts either.
        m.StreamingInputCallRequest(payload=m.Payload(body=bytes(45904)), expect_compressed=m.BoolValue(value=False)),
    ]
    response = ctx.test.StreamingInputCall(iter(requests), compression=grpc.Compression.Gzip)
    check(response.aggregated_payload_size == 73086,
          f"aggregated_payload_size {response.aggregated_payload_size}, expected 73086")


def server_compressed_streaming(ctx):
    m = ctx.stubs.messages
    request = m.StreamingOutputCallRequest(response_type=m.COMPRESSABLE, response_parameters=[
        m.ResponseParameters(compressed=m.BoolValue(value=True), size=31415),
        m.ResponseParameters(compressed=m.BoolValue(value=False), size=92653)])
    responses = list(ctx.test.StreamingOutputCall(request))
    check(len(responses) == 2, f"{len(responses)} responses, expected 2")
    check_zero_payload(responses[0].payload, 31415, "response #1 (compressed)", m)
    check_zero_payload(responses[1].payload, 92653, "response #2 (uncompressed)", m)


CASES = [client_compressed_unary, server_compressed_unary, client_compressed_streaming, server_compressed_streaming]
