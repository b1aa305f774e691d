// What every case gets: stubs on one channel to the broker, the optional bearer token, and per-call set-up.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "notify/v1/notifier.grpc.pb.h"

namespace interop {

// The bound on every wait: a broker that never answers fails the case instead of hanging the suite.
constexpr std::chrono::seconds kWait{10};

struct Context {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<notify::v1::Notifier::Stub> notifier;
  std::unique_ptr<grpc::health::v1::Health::Stub> health;
  std::unique_ptr<grpc::reflection::v1::ServerReflection::Stub> reflection;
  std::string token;       // from NB_TOKEN; empty means no authorization metadata
  std::string run_suffix;  // random per run, so that names never collide with another run on the same broker
};

Context Connect(const std::string& host, int port);

// Which calls carry `authorization: Bearer <token>`: Notifier and reflection do; health stays anonymous, as
// probes usually are.
enum class Auth { kBearer, kNone };

// Sets the call's deadline (which bounds every wait on it) and its authorization metadata.
void Prepare(grpc::ClientContext& call, const Context& ctx, Auth auth = Auth::kBearer,
             std::chrono::milliseconds deadline = kWait);

// "<prefix>-<run suffix>-<n>": an alias or registered name no other run or case uses.
std::string UniqueName(const Context& ctx, const std::string& prefix);

using Case = std::function<void(Context&)>;
using CaseList = std::vector<std::pair<std::string, Case>>;

CaseList ServiceCases();     // health, reflection
CaseList NotifierCases();    // send, broadcast, resume
CaseList ErrorCases();       // errors
CaseList CompressionCases(); // gzip
CaseList StreamEndCases();   // deadline, cancellation

}  // namespace interop
