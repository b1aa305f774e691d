// Assertion vocabulary for the interop cases: a failure says what the interop spec expected.
#pragma once

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>

#include <grpcpp/grpcpp.h>

#include "grpc/testing/messages.pb.h"

namespace interop {

class CaseFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void Check(bool condition, const std::string& message) {
  if (!condition) throw CaseFailure(message);
}

inline std::string Describe(const grpc::Status& status) {
  std::ostringstream out;
  out << "status " << status.error_code() << " (\"" << status.error_message() << "\")";
  return out.str();
}

inline void CheckOk(const grpc::Status& status, const std::string& what) {
  Check(status.ok(), what + ": expected OK, got " + Describe(status));
}

inline void CheckCode(const grpc::Status& status, grpc::StatusCode expected, const std::string& what) {
  Check(status.error_code() == expected,
        what + ": expected status " + std::to_string(expected) + ", got " + Describe(status));
}

inline void CheckZeroPayload(const grpc::testing::Payload& payload, size_t size, const std::string& what) {
  Check(payload.type() == grpc::testing::COMPRESSABLE,
        what + ": payload type " + std::to_string(payload.type()) + ", expected COMPRESSABLE");
  Check(payload.body().size() == size,
        what + ": payload body " + std::to_string(payload.body().size()) + " bytes, expected " + std::to_string(size));
  Check(payload.body() == std::string(size, '\0'), what + ": payload body is not all zero bytes");
}

// Every call gets a deadline so that a server that never answers fails the case instead of hanging the suite.
inline void BoundCall(grpc::ClientContext& context, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  context.set_deadline(std::chrono::system_clock::now() + limit);
}

}  // namespace interop
