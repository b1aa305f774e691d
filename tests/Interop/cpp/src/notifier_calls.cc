#include "notifier_calls.h"

#include <strings.h>

#include <utility>

#include "checks.h"

namespace interop {

using notify::v1::Event;

notify::v1::SendReply SendText(Context& ctx, const std::string& alias, const std::string& text) {
  grpc::ClientContext call;
  Prepare(call, ctx);
  notify::v1::SendRequest request;
  request.set_msg_name(alias);
  request.set_text(text);
  request.set_from_name(kFromName);
  notify::v1::SendReply reply;
  CheckOk(ctx.notifier->Send(&call, request, &reply), "Send to " + alias);
  return reply;
}

void CheckAliasMessage(const Event& event, const std::string& alias, const std::string& text) {
  const std::string what = "alias message \"" + text + "\"";
  Check(event.has_alias_message(), what + ": got another event: " + event.ShortDebugString());
  const auto& message = event.alias_message();
  Check(strcasecmp(message.alias().c_str(), alias.c_str()) == 0,
        what + ": alias " + message.alias() + ", expected " + alias);
  CheckEqual<std::string>(message.text(), text, what + ": text");
  CheckEqual<std::string>(message.from_name(), kFromName, what + ": from_name");
}

void CheckSamePosition(const notify::v1::Position& actual, const notify::v1::Position& expected,
                       const std::string& what) {
  Check(actual.offset() == expected.offset() && actual.epoch() == expected.epoch(),
        what + ": position " + actual.ShortDebugString() + ", expected " + expected.ShortDebugString());
}

AliasRegistration::AliasRegistration(Context& ctx, std::string name) : ctx_(ctx), name_(std::move(name)) {
  grpc::ClientContext call;
  Prepare(call, ctx_);
  notify::v1::AddAliasRequest request;
  request.set_name(name_);
  notify::v1::AddAliasReply reply;
  CheckOk(ctx_.notifier->AddAlias(&call, request, &reply), "AddAlias " + name_);
}

AliasRegistration::~AliasRegistration() {
  grpc::ClientContext call;
  Prepare(call, ctx_);
  notify::v1::DeleteAliasRequest request;
  request.set_name(name_);
  notify::v1::DeleteAliasReply reply;
  ctx_.notifier->DeleteAlias(&call, request, &reply);
}

}  // namespace interop
