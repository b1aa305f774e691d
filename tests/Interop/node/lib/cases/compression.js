'use strict';
// Compression cases as far as grpc-js allows: it compresses per channel (grpc.default_compression_algorithm) and
// honours the per-message NoCompress write flag on streams, but never exposes whether a *received* message was
// compressed. So the client-compressed cases are proven by the server's expect_compressed check, while the
// server-compressed cases only prove that the host's compressed responses decode to the right payloads.
// The C++ client checks the received compressed flags precisely.
const grpc = require('@grpc/grpc-js');
const { unary, collect } = require('../rpc');
const { check, expectStatus, checkZeroPayload } = require('../assert');

const GZIP = 2; // grpc-js CompressionAlgorithms: 0 identity, 1 deflate, 2 gzip
const WRITE_FLAG_NO_COMPRESS = 2; // grpc core GRPC_WRITE_NO_COMPRESS, honoured by grpc-js's compression filter
const zeros = (n) => Buffer.alloc(n);

function gzipClient(ctx) {
  return ctx.newClient(ctx.services.TestService, { 'grpc.default_compression_algorithm': GZIP });
}

function streamingInput(client, writes) {
  return new Promise((resolve, reject) => {
    const call = client.StreamingInputCall((err, res) => (err ? reject(err) : resolve(res)));
    for (const [request, flags] of writes) call.write(request, flags);
    call.end();
  });
}

const largeRequest = (extra) => ({
  response_type: 'COMPRESSABLE', response_size: 314159, payload: { body: zeros(271828) }, ...extra,
});

module.exports = {
  async client_compressed_unary(ctx) {
    // Probe: an uncompressed request that claims to be compressed must be rejected, else the rest proves nothing.
    await expectStatus(unary(ctx.testService, 'UnaryCall', largeRequest({ expect_compressed: { value: true } })),
      grpc.status.INVALID_ARGUMENT, 'probe (uncompressed request with expect_compressed=true)');
    const gzip = gzipClient(ctx);
    try {
      const compressed = await unary(gzip, 'UnaryCall', largeRequest({ expect_compressed: { value: true } }));
      checkZeroPayload(compressed.response.payload, 314159, 'compressed request');
    } finally {
      gzip.close();
    }
    const plain = await unary(ctx.testService, 'UnaryCall', largeRequest({ expect_compressed: { value: false } }));
    checkZeroPayload(plain.response.payload, 314159, 'uncompressed request');
  },

  async server_compressed_unary({ testService }) {
    for (const compressed of [true, false]) {
      const { response } = await unary(testService, 'UnaryCall', largeRequest({ response_compressed: { value: compressed } }));
      checkZeroPayload(response.payload, 314159, `response_compressed=${compressed}`);
    }
  },

  async client_compressed_streaming(ctx) {
    await expectStatus(
      streamingInput(ctx.testService, [[{ payload: { body: zeros(27182) }, expect_compressed: { value: true } }]]),
      grpc.status.INVALID_ARGUMENT, 'probe (uncompressed message with expect_compressed=true)');
    const gzip = gzipClient(ctx);
    try {
      const response = await streamingInput(gzip, [
        [{ payload: { body: zeros(27182) }, expect_compressed: { value: true } }],
        [{ payload: { body: zeros(45904) }, expect_compressed: { value: false } }, WRITE_FLAG_NO_COMPRESS],
      ]);
      check(response.aggregated_payload_size === 73086,
        `aggregated_payload_size ${response.aggregated_payload_size}, expected 73086`);
    } finally {
      gzip.close();
    }
  },

  async server_compressed_streaming({ testService }) {
    const call = testService.StreamingOutputCall({
      response_type: 'COMPRESSABLE',
      response_parameters: [{ compressed: { value: true }, size: 31415 }, { compressed: { value: false }, size: 92653 }],
    });
    const { responses } = await collect(call);
    check(responses.length === 2, `${responses.length} responses, expected 2`);
    checkZeroPayload(responses[0].payload, 31415, 'response #1 (compressed)');
    checkZeroPayload(responses[1].payload, 92653, 'response #2 (uncompressed)');
  },
};
