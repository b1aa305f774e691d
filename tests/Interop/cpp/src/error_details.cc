#include "error_details.h"

#include "checks.h"
#include "google/rpc/status.pb.h"

namespace interop {

google::rpc::ErrorInfo DecodeErrorInfo(const grpc::Status& status, const std::string& what) {
  Check(!status.error_details().empty(), what + ": no grpc-status-details-bin on " + Describe(status));
  google::rpc::Status details;
  Check(details.ParseFromString(status.error_details()),
        what + ": grpc-status-details-bin is not a google.rpc.Status");
  // The details restate the call's status; a mismatch would mean two different answers on the wire.
  CheckEqual<int>(details.code(), status.error_code(), what + ": google.rpc.Status code");
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.Is<google::rpc::ErrorInfo>() && any.UnpackTo(&info)) return info;
  }
  throw CaseFailure(what + ": google.rpc.Status holds no google.rpc.ErrorInfo: " + details.ShortDebugString());
}

void CheckBrokerError(const grpc::Status& status, grpc::StatusCode code, const std::string& reason,
                      const std::string& win32_code, const std::string& what) {
  CheckCode(status, code, what);
  const google::rpc::ErrorInfo info = DecodeErrorInfo(status, what);
  CheckEqual<std::string>(info.reason(), reason, what + ": ErrorInfo.reason");
  CheckEqual<std::string>(info.domain(), "notify.v1", what + ": ErrorInfo.domain");
  const auto code_entry = info.metadata().find("code");
  Check(code_entry != info.metadata().end(), what + ": ErrorInfo.metadata has no \"code\": " + info.ShortDebugString());
  CheckEqual<std::string>(code_entry->second, win32_code, what + ": ErrorInfo.metadata[\"code\"]");
}

}  // namespace interop
