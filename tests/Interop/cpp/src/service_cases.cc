// The standard services a generic gRPC tool relies on: grpc.health.v1 and grpc.reflection.v1.
#include <algorithm>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.pb.h>

#include "broker_context.h"
#include "checks.h"

namespace interop {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using grpc::reflection::v1::ServerReflectionRequest;
using grpc::reflection::v1::ServerReflectionResponse;
using ReflectionStream = grpc::ClientReaderWriter<ServerReflectionRequest, ServerReflectionResponse>;

grpc::Status HealthCheck(Context& ctx, const std::string& service, HealthCheckResponse* response) {
  grpc::ClientContext call;
  Prepare(call, ctx, Auth::kNone);
  HealthCheckRequest request;
  request.set_service(service);
  return ctx.health->Check(&call, request, response);
}

void Health(Context& ctx) {
  for (const std::string service : {"", "notify.v1.Notifier"}) {
    const std::string what = "Check(\"" + service + "\")";
    HealthCheckResponse response;
    CheckOk(HealthCheck(ctx, service, &response), what);
    Check(response.status() == HealthCheckResponse::SERVING,
          what + ": status " + HealthCheckResponse::ServingStatus_Name(response.status()) + ", expected SERVING");
  }
  HealthCheckResponse response;
  CheckCode(HealthCheck(ctx, "no.such.Service", &response), grpc::StatusCode::NOT_FOUND, "Check(\"no.such.Service\")");
}

// One request, one answer, on the reflection stream; an error_response fails the case.
ServerReflectionResponse Ask(ReflectionStream& stream, const ServerReflectionRequest& request, const std::string& what) {
  ServerReflectionResponse response;
  if (!stream.Write(request) || !stream.Read(&response)) {
    throw CaseFailure(what + ": no answer, the stream ended with " + Describe(stream.Finish()));
  }
  Check(!response.has_error_response(), what + ": error_response " + response.error_response().ShortDebugString());
  return response;
}

std::vector<std::string> ListServices(ReflectionStream& stream) {
  ServerReflectionRequest request;
  request.set_list_services("");
  const auto response = Ask(stream, request, "list_services");
  Check(response.has_list_services_response(), "list_services: answered with " + response.ShortDebugString());
  std::vector<std::string> names;
  for (const auto& service : response.list_services_response().service()) names.push_back(service.name());
  return names;
}

// The FileDescriptorProto that file_containing_symbol returns for `symbol`, picked by file name (the answer may
// also carry the file's dependencies).
google::protobuf::FileDescriptorProto FileContaining(ReflectionStream& stream, const std::string& symbol,
                                                     const std::string& file_name) {
  ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  const std::string what = "file_containing_symbol(\"" + symbol + "\")";
  const auto response = Ask(stream, request, what);
  Check(response.has_file_descriptor_response(), what + ": answered with " + response.ShortDebugString());
  std::string seen;
  for (const auto& bytes : response.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    Check(file.ParseFromString(bytes), what + ": an entry is not a FileDescriptorProto");
    if (file.name() == file_name) return file;
    seen += " " + file.name();
  }
  throw CaseFailure(what + ": no " + file_name + " among the files returned:" + seen);
}

void CheckDeclaresSubscribe(const google::protobuf::FileDescriptorProto& file) {
  for (const auto& service : file.service()) {
    if (service.name() != "Notifier") continue;
    for (const auto& method : service.method()) {
      if (method.name() == "Subscribe") {
        Check(method.server_streaming(), "Notifier.Subscribe is not declared server-streaming");
        return;
      }
    }
    throw CaseFailure(file.name() + ": service Notifier declares no method Subscribe");
  }
  throw CaseFailure(file.name() + " (package " + file.package() + ") declares no service Notifier");
}

void Reflection(Context& ctx) {
  grpc::ClientContext call;
  Prepare(call, ctx);
  auto stream = ctx.reflection->ServerReflectionInfo(&call);

  // Only what must be there; the list may grow (v1alpha, other services) without breaking this client.
  const auto services = ListServices(*stream);
  for (const std::string expected : {"notify.v1.Notifier", "grpc.health.v1.Health"}) {
    Check(std::find(services.begin(), services.end(), expected) != services.end(),
          "list_services does not include " + expected);
  }
  CheckDeclaresSubscribe(FileContaining(*stream, "notify.v1.Notifier", "notify/v1/notifier.proto"));

  stream->WritesDone();
  CheckOk(stream->Finish(), "ServerReflectionInfo");
}

}  // namespace

CaseList ServiceCases() {
  return {
      {"health", Health},
      {"reflection", Reflection},
  };
}

}  // namespace interop
