#include "aliases.h"

#include <strings.h>

#include <chrono>
#include <thread>

#include "checks.h"

namespace interop {

uint32_t HoldersOf(Context& ctx, const std::string& name) {
  grpc::ClientContext call;
  Prepare(call, ctx);
  notify::v1::ListAliasesReply reply;
  CheckOk(ctx.notifier->ListAliases(&call, notify::v1::ListAliasesRequest(), &reply), "ListAliases");
  for (const auto& alias : reply.aliases()) {
    if (strcasecmp(alias.name().c_str(), name.c_str()) == 0) return alias.holders();
  }
  return 0;
}

void WaitForHolders(Context& ctx, const std::string& name, uint32_t expected, const std::string& why) {
  const auto give_up_at = std::chrono::steady_clock::now() + kWait;
  uint32_t holders = HoldersOf(ctx, name);
  while (holders != expected) {
    Check(std::chrono::steady_clock::now() < give_up_at,
          why + ": ListAliases still shows " + std::to_string(holders) + " holder(s) of " + name +
              " after 10 s, expected " + std::to_string(expected));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    holders = HoldersOf(ctx, name);
  }
}

}  // namespace interop
