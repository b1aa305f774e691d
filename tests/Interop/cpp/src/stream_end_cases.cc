// A Subscribe stream that ends from the client side (its deadline passes, or it is cancelled) must end on the
// server too: the broker drops the stream's alias holds, which ListAliases shows. The client-side status alone
// is produced locally by grpc and proves nothing about the server.
#include <chrono>
#include <string>

#include "aliases.h"
#include "broker_context.h"
#include "checks.h"
#include "subscription.h"

namespace interop {
namespace {

notify::v1::SubscribeRequest Holding(const std::string& alias) {
  notify::v1::SubscribeRequest request;
  request.add_hold_aliases(alias);
  return request;
}

void DeadlineOnSubscribe(Context& ctx) {
  const std::string alias = UniqueName(ctx, "cpp-deadline");
  SubscribeOptions options;
  options.deadline = std::chrono::seconds(1);
  Subscription stream(ctx, Holding(alias), options);
  // Open says the hold is in place. Its holder count is not asserted here: that would race the 1 s deadline
  // (the cancellation case asserts it).
  stream.ExpectOpen();
  CheckCode(stream.ReadToEnd(), grpc::StatusCode::DEADLINE_EXCEEDED, "Subscribe with a 1 s deadline");
  WaitForHolders(ctx, alias, 0, "the broker did not see the deadline end the stream");
}

void CancelSubscribe(Context& ctx) {
  const std::string alias = UniqueName(ctx, "cpp-cancel");
  Subscription stream(ctx, Holding(alias));
  stream.ExpectOpen();
  WaitForHolders(ctx, alias, 1, "the open stream does not hold its alias");
  CheckCode(stream.CancelAndFinish(), grpc::StatusCode::CANCELLED, "cancelled Subscribe");
  WaitForHolders(ctx, alias, 0, "the broker did not see the cancellation end the stream");
}

}  // namespace

CaseList StreamEndCases() {
  return {
      {"deadline", DeadlineOnSubscribe},
      {"cancellation", CancelSubscribe},
  };
}

}  // namespace interop
