// gzip: the broker runs with --Grpc:ResponseCompression=gzip. Requests go out gzip-compressed, and every message
// of a Subscribe stream must arrive with the per-message compressed flag set.
#include "broker_context.h"
#include "checks.h"
#include "notifier_calls.h"
#include "subscription.h"

namespace interop {
namespace {

void GzipSubscribeStream(Context& ctx) {
  const std::string alias = UniqueName(ctx, "gzip");
  notify::v1::SubscribeRequest request;
  request.add_hold_aliases(alias);
  Subscription stream(ctx, request, SubscribeOptions{kWait, /*gzip_requests=*/true});
  stream.ExpectOpen();

  // A unary call with a gzip-compressed request, and its (compressed) reply.
  grpc::ClientContext call;
  Prepare(call, ctx);
  call.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  notify::v1::SendRequest send;
  send.set_msg_name(alias);
  send.set_text("compressed both ways");
  send.set_from_name(kFromName);
  notify::v1::SendReply reply;
  CheckOk(ctx.notifier->Send(&call, send, &reply), "gzip Send");
  Check(reply.recipients() >= 1, "gzip Send reached no recipient");

  CheckAliasMessage(stream.Next("the alias message"), alias, "compressed both ways");
  CheckEqual(stream.uncompressed_messages(), 0, "Subscribe messages without the compressed flag");
  Check(stream.messages_received() >= 2, "expected the Open event and the alias message");
}

}  // namespace

CaseList CompressionCases() {
  return {
      {"gzip", GzipSubscribeStream},
  };
}

}  // namespace interop
