// Tells how the messages received on a call arrived: whether the last one had the Compressed-Flag set in its
// gRPC frame, and which grpc-encoding the server declared.
//
// The public C++ API does not expose this; grpc++'s ClientContext names grpc::testing::InteropClientContextInspector
// as a friend exactly so that interop clients can reach the underlying core call, and libgrpc exports the
// test-only accessors (declared in grpc's src/core/lib/surface/call_test_only.h).
#pragma once

#include <cstdint>

#include <grpc/grpc.h>
#include <grpcpp/client_context.h>

uint32_t grpc_call_test_only_get_message_flags(grpc_call* call);
grpc_compression_algorithm grpc_call_test_only_get_compression_algorithm(grpc_call* call);

namespace grpc {
namespace testing {

class InteropClientContextInspector {
 public:
  explicit InteropClientContextInspector(const ClientContext& context) : context_(context) {}

  bool LastMessageWasCompressed() const {
    // From grpc's src/core/lib/transport/transport.h: set on a received message whose frame was compressed
    // (the decompressing filter clears the first and sets the second).
    constexpr uint32_t kInternalCompress = 0x80000000u;                // GRPC_WRITE_INTERNAL_COMPRESS
    constexpr uint32_t kInternalTestOnlyWasCompressed = 0x40000000u;   // GRPC_WRITE_INTERNAL_TEST_ONLY_WAS_COMPRESSED
    const uint32_t flags = grpc_call_test_only_get_message_flags(context_.call_);
    return (flags & (kInternalCompress | kInternalTestOnlyWasCompressed)) != 0;
  }

  // The algorithm of the server's grpc-encoding header (GRPC_COMPRESS_NONE when it sent none).
  grpc_compression_algorithm IncomingCompressionAlgorithm() const {
    return grpc_call_test_only_get_compression_algorithm(context_.call_);
  }

 private:
  const ClientContext& context_;
};

}  // namespace testing
}  // namespace grpc
