// Assertion vocabulary for the cases: a failure throws CaseFailure, whose text becomes the "FAIL <case>: ..." line.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

#include <grpcpp/grpcpp.h>

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

template <typename T>
void CheckEqual(const T& actual, const T& expected, const std::string& what) {
  std::ostringstream out;
  out << what << ": got " << actual << ", expected " << expected;
  Check(actual == expected, out.str());
}

}  // namespace interop
