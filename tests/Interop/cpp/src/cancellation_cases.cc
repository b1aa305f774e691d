// Cancel and deadline cases, each also checked on the server through the host's CallInspector counters: the
// client-side status is produced locally by grpc and proves nothing about the server on its own.
#include <chrono>
#include <string>

#include "call_stats.h"
#include "checks.h"
#include "interop_context.h"

namespace interop {
namespace {

using grpc::ClientContext;
using grpc::StatusCode;
using grpc::testing::COMPRESSABLE;
using grpc::testing::StreamingInputCallResponse;
using grpc::testing::StreamingOutputCallRequest;
using grpc::testing::StreamingOutputCallResponse;

void CancelAfterBegin(Context& ctx) {
  const Stats baseline = GetCallStats(ctx);
  ClientContext context;
  BoundCall(context);
  StreamingInputCallResponse response;
  // Returns once the request headers are sent; wait until the handler runs, else the cancel tests nothing server-side.
  auto stream = ctx.test->StreamingInputCall(&context, &response);
  WaitForHandlerStarted(ctx, baseline);
  context.TryCancel();
  CheckCode(stream->Finish(), StatusCode::CANCELLED, "StreamingInputCall");
  WaitForCancellationObserved(ctx, baseline);
}

void CancelAfterFirstResponse(Context& ctx) {
  const Stats baseline = GetCallStats(ctx);
  ClientContext context;
  BoundCall(context);
  auto stream = ctx.test->FullDuplexCall(&context);
  StreamingOutputCallRequest request;
  request.set_response_type(COMPRESSABLE);
  request.add_response_parameters()->set_size(31415);
  request.mutable_payload()->set_body(std::string(27182, '\0'));
  stream->Write(request);
  StreamingOutputCallResponse response;
  if (!stream->Read(&response)) throw CaseFailure("no first response: " + Describe(stream->Finish()));
  CheckZeroPayload(response.payload(), 31415, "first response");
  context.TryCancel();
  CheckCode(stream->Finish(), StatusCode::CANCELLED, "FullDuplexCall");
  WaitForCancellationObserved(ctx, baseline);
}

grpc::Status SleepingCall(Context& ctx, std::chrono::milliseconds deadline) {
  ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  auto stream = ctx.test->FullDuplexCall(&context);
  StreamingOutputCallRequest request;
  request.mutable_payload()->set_body(std::string(27182, '\0'));
  stream->Write(request);  // may fail once the deadline has passed; the status says what happened
  StreamingOutputCallResponse response;
  while (stream->Read(&response)) {
  }
  return stream->Finish();
}

void TimeoutOnSleepingServer(Context& ctx) {
  // 1) Exactly as specified: 1 ms deadline. It may expire before the request leaves, so only the client status and
  //    "nothing left running" are asserted for this call.
  Stats baseline = GetCallStats(ctx);
  CheckCode(SleepingCall(ctx, std::chrono::milliseconds(1)), StatusCode::DEADLINE_EXCEEDED, "1 ms deadline call");
  const Stats after = WaitForStats(
      ctx, [&](const Stats& s) { return s.active_calls() <= baseline.active_calls(); },
      "a handler was left running after the 1 ms deadline call");
  const bool handler_ran = after.completed_calls() > baseline.completed_calls();
  const bool handler_saw_cancel = after.cancelled_calls() > baseline.cancelled_calls() ||
                                  after.deadline_exceeded_calls() > baseline.deadline_exceeded_calls();
  Check(!handler_ran || handler_saw_cancel, "the 1 ms deadline call ran a handler that did not report the cancellation");

  // 2) A deadline long enough for the handler to be running when it expires: the server must observe it (its own
  //    grpc-timeout timer or the client's RST_STREAM, whichever is first) and release the handler.
  baseline = GetCallStats(ctx);
  CheckCode(SleepingCall(ctx, std::chrono::seconds(2)), StatusCode::DEADLINE_EXCEEDED, "2 s deadline call");
  WaitForCancellationObserved(ctx, baseline, /*deadline_counts=*/true);
}

}  // namespace

CaseList CancellationCases() {
  return {
      {"cancel_after_begin", CancelAfterBegin},
      {"cancel_after_first_response", CancelAfterFirstResponse},
      {"timeout_on_sleeping_server", TimeoutOnSleepingServer},
  };
}

}  // namespace interop
