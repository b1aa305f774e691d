// The basic interop cases (grpc/grpc doc/interop-test-descriptions.md); what each sends and asserts follows the spec.
#include <string>
#include <vector>

#include "checks.h"
#include "interop_context.h"

namespace interop {
namespace {

using grpc::ClientContext;
using grpc::Status;
using grpc::StatusCode;
using grpc::testing::COMPRESSABLE;
using grpc::testing::Empty;
using grpc::testing::SimpleRequest;
using grpc::testing::SimpleResponse;
using grpc::testing::StreamingInputCallRequest;
using grpc::testing::StreamingInputCallResponse;
using grpc::testing::StreamingOutputCallRequest;
using grpc::testing::StreamingOutputCallResponse;

const std::vector<int> kClientStreamingSizes = {27182, 8, 1828, 45904};
const std::vector<int> kServerStreamingSizes = {31415, 9, 2653, 58979};
const char kEchoInitialKey[] = "x-grpc-test-echo-initial";
const char kEchoInitialValue[] = "test_initial_metadata_value";
const char kEchoTrailingKey[] = "x-grpc-test-echo-trailing-bin";
const std::string kEchoTrailingValue("\xab\xab\xab", 3);
const std::string kSpecialStatusMessage =
    "\t\ntest with whitespace\r\nand Unicode BMP \xE2\x98\xBA and non-BMP \xF0\x9F\x98\x88\t\n";

StreamingOutputCallRequest DuplexRequest(int response_size, int request_size) {
  StreamingOutputCallRequest request;
  request.set_response_type(COMPRESSABLE);
  request.add_response_parameters()->set_size(response_size);
  request.mutable_payload()->set_body(std::string(request_size, '\0'));
  return request;
}

void AddEchoMetadata(ClientContext& context) {
  context.AddMetadata(kEchoInitialKey, kEchoInitialValue);
  context.AddMetadata(kEchoTrailingKey, kEchoTrailingValue);
}

void CheckOneValue(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata, const std::string& key,
                   const std::string& expected, const std::string& what) {
  auto range = metadata.equal_range(key);
  std::vector<std::string> values;
  for (auto it = range.first; it != range.second; ++it) values.emplace_back(it->second.data(), it->second.size());
  Check(values.size() == 1 && values[0] == expected,
        what + ": " + key + " echoed " + std::to_string(values.size()) + " value(s), expected exactly the sent one");
}

void CheckEchoedMetadata(const ClientContext& context, const std::string& what) {
  CheckOneValue(context.GetServerInitialMetadata(), kEchoInitialKey, kEchoInitialValue, what + " initial metadata");
  CheckOneValue(context.GetServerTrailingMetadata(), kEchoTrailingKey, kEchoTrailingValue, what + " trailing metadata");
}

void EmptyUnary(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  Empty response;
  CheckOk(ctx.test->EmptyCall(&context, Empty(), &response), "EmptyCall");
}

void LargeUnary(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  SimpleResponse response;
  CheckOk(ctx.test->UnaryCall(&context, LargeRequest(), &response), "UnaryCall");
  CheckZeroPayload(response.payload(), 314159, "UnaryCall");
}

void ClientStreaming(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  StreamingInputCallResponse response;
  auto stream = ctx.test->StreamingInputCall(&context, &response);
  for (int size : kClientStreamingSizes) {
    StreamingInputCallRequest request;
    request.mutable_payload()->set_body(std::string(size, '\0'));
    if (!stream->Write(request)) break;  // the status below says why
  }
  stream->WritesDone();
  CheckOk(stream->Finish(), "StreamingInputCall");
  Check(response.aggregated_payload_size() == 74922,
        "aggregated_payload_size " + std::to_string(response.aggregated_payload_size()) + ", expected 74922");
}

void ServerStreaming(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  StreamingOutputCallRequest request;
  request.set_response_type(COMPRESSABLE);
  for (int size : kServerStreamingSizes) request.add_response_parameters()->set_size(size);
  auto stream = ctx.test->StreamingOutputCall(&context, request);
  std::vector<StreamingOutputCallResponse> responses;
  StreamingOutputCallResponse response;
  while (stream->Read(&response)) responses.push_back(response);
  CheckOk(stream->Finish(), "StreamingOutputCall");
  Check(responses.size() == kServerStreamingSizes.size(),
        std::to_string(responses.size()) + " responses, expected " + std::to_string(kServerStreamingSizes.size()));
  for (size_t i = 0; i < responses.size(); ++i) {
    CheckZeroPayload(responses[i].payload(), kServerStreamingSizes[i], "response #" + std::to_string(i + 1));
  }
}

void PingPong(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  auto stream = ctx.test->FullDuplexCall(&context);
  for (size_t i = 0; i < kServerStreamingSizes.size(); ++i) {
    // The next request goes out only after the previous reply came back: proves true full duplex.
    if (!stream->Write(DuplexRequest(kServerStreamingSizes[i], kClientStreamingSizes[i]))) {
      throw CaseFailure("write #" + std::to_string(i + 1) + " failed: " + Describe(stream->Finish()));
    }
    StreamingOutputCallResponse reply;
    if (!stream->Read(&reply)) {
      throw CaseFailure("no reply #" + std::to_string(i + 1) + ": " + Describe(stream->Finish()));
    }
    CheckZeroPayload(reply.payload(), kServerStreamingSizes[i], "reply #" + std::to_string(i + 1));
  }
  stream->WritesDone();
  StreamingOutputCallResponse extra;
  Check(!stream->Read(&extra), "unexpected response after the 4 rounds");
  CheckOk(stream->Finish(), "FullDuplexCall");
}

void EmptyStream(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  auto stream = ctx.test->FullDuplexCall(&context);
  stream->WritesDone();
  StreamingOutputCallResponse response;
  Check(!stream->Read(&response), "received a response, expected none");
  CheckOk(stream->Finish(), "FullDuplexCall");
}

void CustomMetadata(Context& ctx) {
  {
    ClientContext context;
    BoundCall(context);
    AddEchoMetadata(context);
    SimpleResponse response;
    CheckOk(ctx.test->UnaryCall(&context, LargeRequest(), &response), "UnaryCall");
    CheckZeroPayload(response.payload(), 314159, "UnaryCall");
    CheckEchoedMetadata(context, "UnaryCall");
  }
  {
    ClientContext context;
    BoundCall(context);
    AddEchoMetadata(context);
    auto stream = ctx.test->FullDuplexCall(&context);
    stream->Write(DuplexRequest(314159, 271828));
    stream->WritesDone();
    StreamingOutputCallResponse response;
    if (!stream->Read(&response)) throw CaseFailure("FullDuplexCall: no response: " + Describe(stream->Finish()));
    CheckZeroPayload(response.payload(), 314159, "FullDuplexCall");
    Check(!stream->Read(&response), "FullDuplexCall: more than the one expected response");
    CheckOk(stream->Finish(), "FullDuplexCall");
    CheckEchoedMetadata(context, "FullDuplexCall");
  }
}

void CheckEchoedStatus(const Status& status, const std::string& message, const std::string& what) {
  CheckCode(status, StatusCode::UNKNOWN, what);
  Check(status.error_message() == message, what + ": message \"" + status.error_message() + "\" differs from the sent one");
}

void StatusCodeAndMessage(Context& ctx) {
  const std::string message = "test status message";
  {
    ClientContext context;
    BoundCall(context);
    SimpleRequest request;
    request.mutable_response_status()->set_code(2);
    request.mutable_response_status()->set_message(message);
    SimpleResponse response;
    CheckEchoedStatus(ctx.test->UnaryCall(&context, request, &response), message, "UnaryCall");
  }
  {
    ClientContext context;
    BoundCall(context);
    auto stream = ctx.test->FullDuplexCall(&context);
    StreamingOutputCallRequest request;
    request.mutable_response_status()->set_code(2);
    request.mutable_response_status()->set_message(message);
    stream->Write(request);
    stream->WritesDone();
    StreamingOutputCallResponse response;
    while (stream->Read(&response)) {
    }
    CheckEchoedStatus(stream->Finish(), message, "FullDuplexCall");
  }
}

void SpecialStatusMessage(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  SimpleRequest request;
  request.mutable_response_status()->set_code(2);
  request.mutable_response_status()->set_message(kSpecialStatusMessage);
  SimpleResponse response;
  CheckEchoedStatus(ctx.test->UnaryCall(&context, request, &response), kSpecialStatusMessage, "UnaryCall");
}

void UnimplementedMethod(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  Empty response;
  CheckCode(ctx.test->UnimplementedCall(&context, Empty(), &response), StatusCode::UNIMPLEMENTED,
            "TestService/UnimplementedCall");
}

void UnimplementedService(Context& ctx) {
  ClientContext context;
  BoundCall(context);
  Empty response;
  CheckCode(ctx.unimplemented->UnimplementedCall(&context, Empty(), &response), StatusCode::UNIMPLEMENTED,
            "UnimplementedService/UnimplementedCall");
}

}  // namespace

CaseList BasicCases() {
  return {
      {"empty_unary", EmptyUnary},
      {"large_unary", LargeUnary},
      {"client_streaming", ClientStreaming},
      {"server_streaming", ServerStreaming},
      {"ping_pong", PingPong},
      {"empty_stream", EmptyStream},
      {"custom_metadata", CustomMetadata},
      {"status_code_and_message", StatusCodeAndMessage},
      {"special_status_message", SpecialStatusMessage},
      {"unimplemented_method", UnimplementedMethod},
      {"unimplemented_service", UnimplementedService},
  };
}

}  // namespace interop
