// Reads the host's CallInspector counters. A cancel/deadline case's client-side status is produced locally by grpc,
// so the cases also check that the server handler saw the cancellation and left nothing running.
#pragma once

#include <functional>
#include <string>

#include "interop_context.h"

namespace interop {

using Stats = notifybroker::interop::CallStats;

Stats GetCallStats(Context& ctx);

// Polls (bounded) until predicate(stats) holds; throws CaseFailure with `what` and the last counters otherwise.
Stats WaitForStats(Context& ctx, const std::function<bool(const Stats&)>& predicate, const std::string& what);

// The server runs one more TestService handler than in `baseline`: our call reached its handler.
void WaitForHandlerStarted(Context& ctx, const Stats& baseline);

// A handler observed the cancellation (cancelled_calls, or deadline_exceeded_calls too when `deadline_counts`)
// and active_calls is back to the baseline.
void WaitForCancellationObserved(Context& ctx, const Stats& baseline, bool deadline_counts = false);

}  // namespace interop
