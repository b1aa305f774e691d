// gzip both ways against a broker started with --Grpc:ResponseCompression=gzip: this client compresses what it
// sends, and checks the per-message Compressed-Flag of EVERY message the broker sends back.
#include <string>

#include "broker_context.h"
#include "checks.h"
#include "message_compression_inspector.h"
#include "notifier_calls.h"
#include "subscription.h"

namespace interop {
namespace {

using grpc::testing::InteropClientContextInspector;

// A Send with a gzip-compressed request; says whether its reply came back compressed too.
bool CompressedSendRepliedCompressed(Context& ctx, const std::string& alias, const std::string& text) {
  grpc::ClientContext call;
  Prepare(call, ctx);
  call.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  notify::v1::SendRequest request;
  request.set_msg_name(alias);
  request.set_text(text);
  request.set_from_name(kFromName);
  notify::v1::SendReply reply;
  CheckOk(ctx.notifier->Send(&call, request, &reply), "gzip-compressed Send");
  Check(reply.path() == notify::v1::SEND_PATH_ALIAS && reply.recipients() >= 1,
        "gzip-compressed Send: " + reply.ShortDebugString());
  return InteropClientContextInspector(call).LastMessageWasCompressed();
}

void CheckGzipEncoding(const grpc::ClientContext& call, const std::string& what) {
  const auto algorithm = InteropClientContextInspector(call).IncomingCompressionAlgorithm();
  Check(algorithm == GRPC_COMPRESS_GZIP,
        what + ": grpc-encoding algorithm " + std::to_string(algorithm) + ", expected gzip");
}

void GzipSubscribe(Context& ctx) {
  const std::string alias = UniqueName(ctx, "cpp-gzip");
  notify::v1::SubscribeRequest request;
  request.add_hold_aliases(alias);
  // libgrpc sends a message uncompressed when gzip would not make it smaller, which is every tiny request; a
  // long, repetitive (and otherwise harmless) filter entry makes the SubscribeRequest really go out compressed.
  request.add_aliases(alias + "-padding-" + std::string(200, 'z'));
  SubscribeOptions options;
  options.gzip_requests = true;
  Subscription stream(ctx, request, options);
  stream.ExpectOpen();

  // One alias message through a plain Send, one through a compressed unary round trip: the stream's own
  // compression must not depend on how the message reached the broker.
  SendText(ctx, alias, "gzip 1");
  CheckAliasMessage(stream.Next("the first alias message"), alias, "gzip 1");
  const std::string long_text = "gzip 2 " + std::string(500, 'x');  // long enough that gzip pays off
  const bool unary_reply_compressed = CompressedSendRepliedCompressed(ctx, alias, long_text);
  CheckAliasMessage(stream.Next("the second alias message"), alias, long_text);

  // The stream is checked first: it is what this case is about.
  Check(stream.uncompressed_messages() == 0,
        std::to_string(stream.uncompressed_messages()) + " of " + std::to_string(stream.messages_received()) +
            " Subscribe messages arrived without the compressed flag");
  CheckGzipEncoding(stream.context(), "Subscribe");
  Check(unary_reply_compressed, "the gzip-compressed Send's reply arrived uncompressed");
}

}  // namespace

CaseList CompressionCases() {
  return {{"gzip", GzipSubscribe}};
}

}  // namespace interop
