// Compression cases with exact per-message checks: outgoing messages are compressed per call
// (set_compression_algorithm) and exempted per message (WriteOptions().set_no_compression()); the server's
// expect_compressed check proves what it received, and the Compressed-Flag of every received message is checked.
#include <string>

#include "checks.h"
#include "interop_context.h"
#include "message_compression_inspector.h"

namespace interop {
namespace {

using grpc::ClientContext;
using grpc::StatusCode;
using grpc::WriteOptions;
using grpc::testing::COMPRESSABLE;
using grpc::testing::InteropClientContextInspector;
using grpc::testing::SimpleRequest;
using grpc::testing::SimpleResponse;
using grpc::testing::StreamingInputCallRequest;
using grpc::testing::StreamingInputCallResponse;
using grpc::testing::StreamingOutputCallRequest;
using grpc::testing::StreamingOutputCallResponse;

StreamingInputCallRequest InputRequest(int size, bool expect_compressed) {
  StreamingInputCallRequest request;
  request.mutable_payload()->set_body(std::string(size, '\0'));
  request.mutable_expect_compressed()->set_value(expect_compressed);
  return request;
}

void CheckReceivedCompression(const ClientContext& context, bool expected, const std::string& what) {
  const bool compressed = InteropClientContextInspector(context).LastMessageWasCompressed();
  Check(compressed == expected, what + ": received " + (compressed ? "a compressed" : "an uncompressed") +
                                    " message, expected " + (expected ? "compressed" : "uncompressed"));
}

void ClientCompressedUnary(Context& ctx) {
  {
    // Probe: an uncompressed request claiming to be compressed must be rejected, else the rest proves nothing.
    ClientContext context;
    BoundCall(context);
    SimpleRequest request = LargeRequest();
    request.mutable_expect_compressed()->set_value(true);
    SimpleResponse response;
    CheckCode(ctx.test->UnaryCall(&context, request, &response), StatusCode::INVALID_ARGUMENT,
              "probe (uncompressed request with expect_compressed=true)");
  }
  for (bool compressed : {true, false}) {
    ClientContext context;
    BoundCall(context);
    if (compressed) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    SimpleRequest request = LargeRequest();
    request.mutable_expect_compressed()->set_value(compressed);
    SimpleResponse response;
    const std::string what = compressed ? "compressed request" : "uncompressed request";
    CheckOk(ctx.test->UnaryCall(&context, request, &response), what);
    CheckZeroPayload(response.payload(), 314159, what);
  }
}

void ServerCompressedUnary(Context& ctx) {
  for (bool compressed : {true, false}) {
    ClientContext context;
    BoundCall(context);
    SimpleRequest request = LargeRequest();
    request.mutable_response_compressed()->set_value(compressed);
    SimpleResponse response;
    const std::string what = std::string("response_compressed=") + (compressed ? "true" : "false");
    CheckOk(ctx.test->UnaryCall(&context, request, &response), what);
    CheckReceivedCompression(context, compressed, what);
    CheckZeroPayload(response.payload(), 314159, what);
  }
}

void ClientCompressedStreaming(Context& ctx) {
  {
    ClientContext context;
    BoundCall(context);
    StreamingInputCallResponse response;
    auto stream = ctx.test->StreamingInputCall(&context, &response);
    stream->Write(InputRequest(27182, true));  // may fail once the server rejected it; the status decides
    stream->WritesDone();
    CheckCode(stream->Finish(), StatusCode::INVALID_ARGUMENT, "probe (uncompressed message with expect_compressed=true)");
  }
  ClientContext context;
  BoundCall(context);
  context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  StreamingInputCallResponse response;
  auto stream = ctx.test->StreamingInputCall(&context, &response);
  if (stream->Write(InputRequest(27182, true))) {
    stream->Write(InputRequest(45904, false), WriteOptions().set_no_compression());
  }
  stream->WritesDone();
  CheckOk(stream->Finish(), "StreamingInputCall (compressed, then uncompressed message)");
  Check(response.aggregated_payload_size() == 73086,
        "aggregated_payload_size " + std::to_string(response.aggregated_payload_size()) + ", expected 73086");
}

void ServerCompressedStreaming(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  StreamingOutputCallRequest request;
  request.set_response_type(COMPRESSABLE);
  const struct {
    bool compressed;
    int size;
  } expected[] = {{true, 31415}, {false, 92653}};
  for (const auto& e : expected) {
    auto* parameters = request.add_response_parameters();
    parameters->mutable_compressed()->set_value(e.compressed);
    parameters->set_size(e.size);
  }
  auto stream = ctx.test->StreamingOutputCall(&context, request);
  int index = 0;
  StreamingOutputCallResponse response;
  while (stream->Read(&response)) {
    const std::string what = "response #" + std::to_string(index + 1);
    Check(index < 2, "more than 2 responses");
    CheckReceivedCompression(context, expected[index].compressed, what);
    CheckZeroPayload(response.payload(), expected[index].size, what);
    ++index;
  }
  CheckOk(stream->Finish(), "StreamingOutputCall");
  Check(index == 2, std::to_string(index) + " responses, expected 2");
}

}  // namespace

CaseList CompressionCases() {
  return {
      {"client_compressed_unary", ClientCompressedUnary},
      {"server_compressed_unary", ServerCompressedUnary},
      {"client_compressed_streaming", ClientCompressedStreaming},
      {"server_compressed_streaming", ServerCompressedStreaming},
  };
}

}  // namespace interop
