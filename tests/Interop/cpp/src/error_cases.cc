// Failures carry a Win32/NERR code in google.rpc.ErrorInfo (grpc-status-details-bin), decoded here by libgrpc++.
#include <string>

#include "broker_context.h"
#include "error_details.h"

namespace interop {
namespace {

void SendToUnknownAlias(Context& ctx) {
  grpc::ClientContext call;
  Prepare(call, ctx);
  notify::v1::SendRequest request;
  request.set_msg_name(UniqueName(ctx, "cpp-nobody"));
  request.set_text("is anyone there?");
  notify::v1::SendReply reply;
  CheckBrokerError(ctx.notifier->Send(&call, request, &reply), grpc::StatusCode::NOT_FOUND, "NERR_NameNotFound",
                   "2273", "Send to an alias nobody holds");
}

void BroadcastUnknownFlag(Context& ctx) {
  grpc::ClientContext call;
  Prepare(call, ctx);
  notify::v1::BroadcastRequest request;
  request.set_registered_name(UniqueName(ctx, "CppInterop.BadFlags"));
  request.set_flags(0x800);  // the first bit above BSF_LUID: no BSF_* value
  notify::v1::BroadcastReply reply;
  CheckBrokerError(ctx.notifier->Broadcast(&call, request, &reply), grpc::StatusCode::INVALID_ARGUMENT,
                   "ERROR_INVALID_PARAMETER", "87", "Broadcast with flags 0x800");
}

void Errors(Context& ctx) {
  SendToUnknownAlias(ctx);
  BroadcastUnknownFlag(ctx);
}

}  // namespace

CaseList ErrorCases() {
  return {{"errors", Errors}};
}

}  // namespace interop
