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

// The large_unary request of the interop spec (271828 zero bytes in, 314159 COMPRESSABLE bytes asked back), which
// several cases send unchanged or with compression on top.
inline grpc::testing::SimpleRequest LargeRequest() {
  grpc::testing::SimpleRequest request;
  request.set_response_type(grpc::testing::COMPRESSABLE);
  request.set_response_size(314159);
  request.mutable_payload()->set_body(std::string(271828, '\0'));
  return request;
}

}  // namespace interop
