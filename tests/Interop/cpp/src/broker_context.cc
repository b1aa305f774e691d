#include "broker_context.h"

#include <atomic>
#include <cstdlib>
#include <cstdio>
#include <random>

namespace interop {
namespace {

std::string RandomSuffix() {
  std::random_device device;
  char text[9];
  std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(device()));
  return text;
}

}  // namespace

Context Connect(const std::string& host, int port) {
  Context ctx;
  ctx.channel = grpc::CreateChannel(host + ":" + std::to_string(port), grpc::InsecureChannelCredentials());
  ctx.notifier = notify::v1::Notifier::NewStub(ctx.channel);
  ctx.health = grpc::health::v1::Health::NewStub(ctx.channel);
  ctx.reflection = grpc::reflection::v1::ServerReflection::NewStub(ctx.channel);
  if (const char* token = std::getenv("NB_TOKEN")) ctx.token = token;
  ctx.run_suffix = RandomSuffix();
  return ctx;
}

void Prepare(grpc::ClientContext& call, const Context& ctx, Auth auth, std::chrono::milliseconds deadline) {
  call.set_deadline(std::chrono::system_clock::now() + deadline);
  if (auth == Auth::kBearer && !ctx.token.empty()) call.AddMetadata("authorization", "Bearer " + ctx.token);
}

std::string UniqueName(const Context& ctx, const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + ctx.run_suffix + "-" + std::to_string(++counter);
}

}  // namespace interop
