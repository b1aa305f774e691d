// One Subscribe stream, read synchronously. The call's deadline bounds every read, so a missing event fails
// the case when the deadline passes instead of blocking forever.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "broker_context.h"

namespace interop {

struct SubscribeOptions {
  std::chrono::milliseconds deadline = kWait;
  bool gzip_requests = false;  // compress what the client sends (the SubscribeRequest)
};

class Subscription {
 public:
  Subscription(Context& ctx, const notify::v1::SubscribeRequest& request, SubscribeOptions options = {});
  ~Subscription();  // cancels and finishes a stream still open, so no call outlives its case
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // The next event that is not a keepalive; throws CaseFailure naming `what` and the status if the stream ends.
  notify::v1::Event Next(const std::string& what);
  // Reads the first event, which must be Open.
  notify::v1::Event ExpectOpen();
  // Reads (and ignores) events until the stream ends, and returns its status.
  grpc::Status ReadToEnd();
  // Cancels the call from the client side (RST_STREAM) and returns the final status.
  grpc::Status CancelAndFinish();

  // Every message received so far, keepalives included, and how many of them arrived without the
  // per-message compressed flag.
  int messages_received() const { return messages_received_; }
  int uncompressed_messages() const { return uncompressed_messages_; }
  const grpc::ClientContext& context() const { return context_; }

 private:
  bool Read(notify::v1::Event* event);
  grpc::Status Finish();

  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<notify::v1::Event>> reader_;
  bool finished_ = false;
  grpc::Status status_;
  int messages_received_ = 0;
  int uncompressed_messages_ = 0;
};

}  // namespace interop
