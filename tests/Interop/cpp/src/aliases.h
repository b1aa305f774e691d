// The broker's alias table as ListAliases shows it: how many open streams hold an alias, and a bounded poll
// for the count to settle (the server drops a hold when it sees the stream end, which is asynchronous).
#pragma once

#include <cstdint>
#include <string>

#include "broker_context.h"

namespace interop {

// Holders of `name` (case-insensitive); 0 when the alias is not listed at all.
uint32_t HoldersOf(Context& ctx, const std::string& name);

// Polls ListAliases for up to kWait until `name` has `expected` holders; throws CaseFailure with `why` otherwise.
void WaitForHolders(Context& ctx, const std::string& name, uint32_t expected, const std::string& why);

}  // namespace interop
