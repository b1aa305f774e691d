#include "call_stats.h"

#include <chrono>
#include <thread>

#include "checks.h"

namespace interop {
namespace {

constexpr auto kPollTimeout = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(20);

std::string Format(const Stats& s) {
  return "active=" + std::to_string(s.active_calls()) + " cancelled=" + std::to_string(s.cancelled_calls()) +
         " deadline_exceeded=" + std::to_string(s.deadline_exceeded_calls()) +
         " completed=" + std::to_string(s.completed_calls());
}

}  // namespace

Stats GetCallStats(Context& ctx) {
  grpc::ClientContext context;
  BoundCall(context, std::chrono::duration_cast<std::chrono::milliseconds>(kPollTimeout));
  Stats stats;
  CheckOk(ctx.inspector->GetCallStats(&context, notifybroker::interop::CallStatsRequest(), &stats),
          "CallInspector/GetCallStats");
  return stats;
}

Stats WaitForStats(Context& ctx, const std::function<bool(const Stats&)>& predicate, const std::string& what) {
  const auto give_up_at = std::chrono::steady_clock::now() + kPollTimeout;
  Stats stats = GetCallStats(ctx);
  while (!predicate(stats)) {
    Check(std::chrono::steady_clock::now() < give_up_at, what + " (after 10 s; server counters " + Format(stats) + ")");
    std::this_thread::sleep_for(kPollInterval);
    stats = GetCallStats(ctx);
  }
  return stats;
}

void WaitForHandlerStarted(Context& ctx, const Stats& baseline) {
  WaitForStats(ctx, [&](const Stats& s) { return s.active_calls() > baseline.active_calls(); },
               "server never started a handler for the call");
}

void WaitForCancellationObserved(Context& ctx, const Stats& baseline, bool deadline_counts) {
  WaitForStats(
      ctx,
      [&](const Stats& s) {
        const bool observed = s.cancelled_calls() > baseline.cancelled_calls() ||
                              (deadline_counts && s.deadline_exceeded_calls() > baseline.deadline_exceeded_calls());
        return observed && s.active_calls() <= baseline.active_calls();
      },
      std::string("server did not report the cancellation (cancelled_calls") +
          (deadline_counts ? " or deadline_exceeded_calls" : "") + " increased) with active_calls back to " +
          std::to_string(baseline.active_calls()));
}

}  // namespace interop
