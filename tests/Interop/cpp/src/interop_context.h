// What every interop case gets: stubs on one channel to the server under test.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "grpc/testing/test.grpc.pb.h"
#include "notifybroker/interop/call_inspector.grpc.pb.h"

namespace interop {

struct Context {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::testing::TestService::Stub> test;
  std::unique_ptr<grpc::testing::UnimplementedService::Stub> unimplemented;
  std::unique_ptr<notifybroker::interop::CallInspector::Stub> inspector;
};

using Case = std::function<void(Context&)>;
using CaseList = std::vector<std::pair<std::string, Case>>;

CaseList BasicCases();
CaseList CancellationCases();
CaseList CompressionCases();

}  // namespace interop
