#include "subscription.h"

#include "checks.h"
#include "message_compression_inspector.h"

namespace interop {

using notify::v1::Event;

Subscription::Subscription(Context& ctx, const notify::v1::SubscribeRequest& request, SubscribeOptions options) {
  Prepare(context_, ctx, Auth::kBearer, options.deadline);
  if (options.gzip_requests) context_.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  reader_ = ctx.notifier->Subscribe(&context_, request);
}

Subscription::~Subscription() {
  if (!finished_) CancelAndFinish();
}

bool Subscription::Read(Event* event) {
  if (finished_ || !reader_->Read(event)) return false;
  ++messages_received_;
  if (!grpc::testing::InteropClientContextInspector(context_).LastMessageWasCompressed()) ++uncompressed_messages_;
  return true;
}

Event Subscription::Next(const std::string& what) {
  Event event;
  while (Read(&event)) {
    if (!event.has_keepalive()) return event;
  }
  throw CaseFailure("stream ended before " + what + ": " + Describe(Finish()));
}

Event Subscription::ExpectOpen() {
  Event event = Next("the Open event");
  Check(event.has_open(), "first event is not Open: " + event.ShortDebugString());
  return event;
}

grpc::Status Subscription::ReadToEnd() {
  Event event;
  while (Read(&event)) {
  }
  return Finish();
}

grpc::Status Subscription::CancelAndFinish() {
  context_.TryCancel();
  return Finish();
}

grpc::Status Subscription::Finish() {
  if (!finished_) {
    status_ = reader_->Finish();
    finished_ = true;
  }
  return status_;
}

}  // namespace interop
