// How a Subscribe stream ends from the client's side: a deadline and a cancellation. The server must see the end:
// the alias the stream held goes back to 0 holders, so nothing is left running for it.
#include "aliases.h"
#include "broker_context.h"
#include "checks.h"
#include "subscription.h"

namespace interop {
namespace {

void DeadlineOnSubscribe(Context& ctx) {
  const std::string alias = UniqueName(ctx, "deadline");
  notify::v1::SubscribeRequest request;
  request.add_hold_aliases(alias);
  Subscription stream(ctx, request, SubscribeOptions{std::chrono::milliseconds(1000)});
  stream.ExpectOpen();
  CheckCode(stream.ReadToEnd(), grpc::StatusCode::DEADLINE_EXCEEDED, "Subscribe with a 1 s deadline");
  WaitForHolders(ctx, alias, 0, "after the deadline");
}

void CancellationOnSubscribe(Context& ctx) {
  const std::string alias = UniqueName(ctx, "cancel");
  notify::v1::SubscribeRequest request;
  request.add_hold_aliases(alias);
  Subscription stream(ctx, request);
  stream.ExpectOpen();
  CheckEqual(HoldersOf(ctx, alias), 1u, "holders while the stream is open");
  CheckCode(stream.CancelAndFinish(), grpc::StatusCode::CANCELLED, "cancelled Subscribe");
  WaitForHolders(ctx, alias, 0, "after the cancellation");
}

}  // namespace

CaseList StreamEndCases() {
  return {
      {"deadline", DeadlineOnSubscribe},
      {"cancellation", CancellationOnSubscribe},
  };
}

}  // namespace interop
