// The broker's error model (see notifier.proto): a failed call's grpc-status-details-bin holds a google.rpc.Status
// whose details carry a google.rpc.ErrorInfo {domain "notify.v1", reason = Win32/NERR name, metadata code}.
#pragma once

#include <string>

#include <grpcpp/grpcpp.h>

#include "google/rpc/error_details.pb.h"

namespace interop {

// Decodes the ErrorInfo from status.error_details(); throws CaseFailure (naming `what`) when the details are
// missing, undecodable, disagree with the status code, or hold no ErrorInfo.
google::rpc::ErrorInfo DecodeErrorInfo(const grpc::Status& status, const std::string& what);

// The status has `code`, and its ErrorInfo says domain notify.v1, `reason` and metadata["code"] == `win32_code`.
void CheckBrokerError(const grpc::Status& status, grpc::StatusCode code, const std::string& reason,
                      const std::string& win32_code, const std::string& what);

}  // namespace interop
