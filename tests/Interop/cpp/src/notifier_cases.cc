// The Notifier's own behaviour: Send to a held alias, Broadcast of a registered message, resume after a gap.
#include <strings.h>

#include <string>

#include "broker_context.h"
#include "checks.h"
#include "notifier_calls.h"
#include "subscription.h"

namespace interop {
namespace {

using notify::v1::Event;
using notify::v1::SubscribeRequest;

void SendToHeldAlias(Context& ctx) {
  const std::string alias = UniqueName(ctx, "cpp-send");
  SubscribeRequest request;
  request.add_hold_aliases(alias);
  Subscription stream(ctx, request);
  stream.ExpectOpen();  // the hold is in place once Open arrives

  const auto reply = SendText(ctx, alias, "hello from C++");
  Check(reply.path() == notify::v1::SEND_PATH_ALIAS,
        "Send path " + notify::v1::SendPath_Name(reply.path()) + ", expected SEND_PATH_ALIAS");
  Check(reply.recipients() >= 1, "Send recipients " + std::to_string(reply.recipients()) + ", expected >= 1");

  const Event event = stream.Next("the alias message");
  CheckAliasMessage(event, alias, "hello from C++");
  CheckSamePosition(event.position(), reply.position(), "alias message vs SendReply");
}

void BroadcastRegisteredMessage(Context& ctx) {
  const std::string name = UniqueName(ctx, "CppInterop.Refresh");
  SubscribeRequest filter;
  filter.add_registered_names(name);
  Subscription stream(ctx, filter);
  stream.ExpectOpen();

  grpc::ClientContext call;
  Prepare(call, ctx);
  notify::v1::BroadcastRequest request;
  request.set_registered_name(name);
  request.set_flags(notify::v1::BSF_POSTMESSAGE);
  request.set_wparam(42);
  notify::v1::BroadcastReply reply;
  CheckOk(ctx.notifier->Broadcast(&call, request, &reply), "Broadcast " + name);

  const Event event = stream.Next("the broadcast window message");
  Check(event.has_window_message(), "expected a window message, got " + event.ShortDebugString());
  const auto& message = event.window_message();
  CheckEqual<uint32_t>(message.id(), reply.message_id(), "window message id vs BroadcastReply.message_id");
  CheckEqual<uint64_t>(message.wparam(), 42, "window message wparam");
  Check(strcasecmp(message.registered_name().c_str(), name.c_str()) == 0,
        "window message registered_name \"" + message.registered_name() + "\", expected " + name);
}

void ResumeAfterGap(Context& ctx) {
  const std::string alias = UniqueName(ctx, "cpp-resume");
  AliasRegistration registration(ctx, alias);  // Send must succeed while no stream is open
  SubscribeRequest filter;
  filter.add_aliases(alias);

  notify::v1::Position last_seen;
  {
    Subscription first(ctx, filter);
    first.ExpectOpen();
    SendText(ctx, alias, "before the gap");
    const Event seen = first.Next("the message before the gap");
    CheckAliasMessage(seen, alias, "before the gap");
    last_seen = seen.position();
  }  // the stream ends here (cancelled)

  const auto missed_1 = SendText(ctx, alias, "missed 1");
  const auto missed_2 = SendText(ctx, alias, "missed 2");

  SubscribeRequest resume = filter;
  *resume.mutable_after() = last_seen;
  Subscription resumed(ctx, resume);
  const Event open = resumed.ExpectOpen();
  Check(open.open().recovered(), "Open.recovered is false after " + last_seen.ShortDebugString());

  const Event first_missed = resumed.Next("the first missed message");
  CheckAliasMessage(first_missed, alias, "missed 1");
  CheckSamePosition(first_missed.position(), missed_1.position(), "first replayed message");
  const Event second_missed = resumed.Next("the second missed message");
  CheckAliasMessage(second_missed, alias, "missed 2");
  CheckSamePosition(second_missed.position(), missed_2.position(), "second replayed message");

  // Exactly two: a live message sent now must be the very next event, so nothing extra (a duplicate or a
  // re-sent older event) was replayed; no timing is involved.
  SendText(ctx, alias, "live after resume");
  CheckAliasMessage(resumed.Next("the live message after the replay"), alias, "live after resume");
}

}  // namespace

CaseList NotifierCases() {
  return {
      {"send", SendToHeldAlias},
      {"broadcast", BroadcastRegisteredMessage},
      {"resume", ResumeAfterGap},
  };
}

}  // namespace interop
