'use strict';
// The basic interop cases (grpc/grpc doc/interop-test-descriptions.md): what each sends and asserts follows the spec.
const grpc = require('@grpc/grpc-js');
const { unary, collect, nextMessage } = require('../rpc');
const { check, expectStatus, checkZeroPayload } = require('../assert');

const zeros = (n) => Buffer.alloc(n);
const LARGE_REQUEST = { response_type: 'COMPRESSABLE', response_size: 314159, payload: { body: zeros(271828) } };
const CLIENT_STREAMING_SIZES = [27182, 8, 1828, 45904];
const SERVER_STREAMING_SIZES = [31415, 9, 2653, 58979];
const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const ECHO_TRAILING_VALUE = Buffer.from([0xab, 0xab, 0xab]);
const SPECIAL_STATUS_MESSAGE = '\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \uD83D\uDE08\t\n';

function echoMetadata() {
  const md = new grpc.Metadata();
  md.set(ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE);
  md.set(ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE);
  return md;
}

function checkEchoedMetadata(headers, trailers, what) {
  const initial = headers ? headers.get(ECHO_INITIAL_KEY) : [];
  check(initial.length === 1 && initial[0] === ECHO_INITIAL_VALUE,
    `${what}: initial metadata ${ECHO_INITIAL_KEY} = ${JSON.stringify(initial)}, expected "${ECHO_INITIAL_VALUE}"`);
  const trailing = trailers ? trailers.get(ECHO_TRAILING_KEY) : [];
  check(trailing.length === 1 && Buffer.isBuffer(trailing[0]) && trailing[0].equals(ECHO_TRAILING_VALUE),
    `${what}: trailing metadata ${ECHO_TRAILING_KEY} = ${JSON.stringify(trailing)}, expected 0xababab`);
}

function checkSizes(responses, sizes, what) {
  check(responses.length === sizes.length, `${what}: ${responses.length} responses, expected ${sizes.length}`);
  responses.forEach((r, i) => checkZeroPayload(r.payload, sizes[i], `${what} response #${i + 1}`));
}

module.exports = {
  async empty_unary({ testService }) {
    const { response } = await unary(testService, 'EmptyCall', {});
    check(response != null, 'EmptyCall returned no message');
  },

  async large_unary({ testService }) {
    const { response } = await unary(testService, 'UnaryCall', LARGE_REQUEST);
    checkZeroPayload(response.payload, 314159, 'UnaryCall');
  },

  async client_streaming({ testService }) {
    const done = new Promise((resolve, reject) => {
      const call = testService.StreamingInputCall((err, res) => (err ? reject(err) : resolve(res)));
      for (const size of CLIENT_STREAMING_SIZES) call.write({ payload: { body: zeros(size) } });
      call.end();
    });
    const response = await done;
    check(response.aggregated_payload_size === 74922,
      `aggregated_payload_size ${response.aggregated_payload_size}, expected 74922`);
  },

  async server_streaming({ testService }) {
    const call = testService.StreamingOutputCall({
      response_type: 'COMPRESSABLE',
      response_parameters: SERVER_STREAMING_SIZES.map((size) => ({ size })),
    });
    const { responses } = await collect(call);
    checkSizes(responses, SERVER_STREAMING_SIZES, 'StreamingOutputCall');
  },

  async ping_pong({ testService }) {
    const call = testService.FullDuplexCall();
    const finished = collect(call);
    finished.catch(() => { /* a failed round reports first; the outcome is awaited below when we get there */ });
    call.pause();
    for (let i = 0; i < SERVER_STREAMING_SIZES.length; i++) {
      // The next request goes out only after the previous reply came back: proves true full duplex.
      call.write({
        response_type: 'COMPRESSABLE',
        response_parameters: [{ size: SERVER_STREAMING_SIZES[i] }],
        payload: { body: zeros(CLIENT_STREAMING_SIZES[i]) },
      });
      const reply = await nextMessage(call);
      checkZeroPayload(reply.payload, SERVER_STREAMING_SIZES[i], `ping_pong reply #${i + 1}`);
    }
    call.end();
    const { responses } = await finished;
    check(responses.length === SERVER_STREAMING_SIZES.length,
      `ping_pong: ${responses.length} responses in total, expected ${SERVER_STREAMING_SIZES.length}`);
  },

  async empty_stream({ testService }) {
    const call = testService.FullDuplexCall();
    call.end();
    const { responses } = await collect(call);
    check(responses.length === 0, `empty_stream: ${responses.length} responses, expected 0`);
  },

  async custom_metadata({ testService }) {
    const { headers, trailers } = await unary(testService, 'UnaryCall', LARGE_REQUEST, { metadata: echoMetadata() });
    checkEchoedMetadata(headers, trailers, 'UnaryCall');

    const call = testService.FullDuplexCall(echoMetadata());
    call.write({ response_type: 'COMPRESSABLE', response_parameters: [{ size: 314159 }], payload: { body: zeros(271828) } });
    call.end();
    const { responses, headers: duplexHeaders, status } = await collect(call);
    checkSizes(responses, [314159], 'FullDuplexCall');
    checkEchoedMetadata(duplexHeaders, status.metadata, 'FullDuplexCall');
  },

  async status_code_and_message({ testService }) {
    const responseStatus = { code: 2, message: 'test status message' };
    const unaryErr = await expectStatus(unary(testService, 'UnaryCall', { response_status: responseStatus }),
      grpc.status.UNKNOWN, 'UnaryCall');
    check(unaryErr.details === responseStatus.message,
      `UnaryCall: message ${JSON.stringify(unaryErr.details)}, expected ${JSON.stringify(responseStatus.message)}`);

    const call = testService.FullDuplexCall();
    call.write({ response_status: responseStatus });
    call.end();
    const duplexErr = await expectStatus(collect(call), grpc.status.UNKNOWN, 'FullDuplexCall');
    check(duplexErr.details === responseStatus.message,
      `FullDuplexCall: message ${JSON.stringify(duplexErr.details)}, expected ${JSON.stringify(responseStatus.message)}`);
  },

  async special_status_message({ testService }) {
    const err = await expectStatus(
      unary(testService, 'UnaryCall', { response_status: { code: 2, message: SPECIAL_STATUS_MESSAGE } }),
      grpc.status.UNKNOWN, 'UnaryCall');
    check(err.details === SPECIAL_STATUS_MESSAGE,
      `message ${JSON.stringify(err.details)}, expected ${JSON.stringify(SPECIAL_STATUS_MESSAGE)}`);
  },

  async unimplemented_method({ testService }) {
    await expectStatus(unary(testService, 'UnimplementedCall', {}), grpc.status.UNIMPLEMENTED,
      'TestService/UnimplementedCall');
  },

  async unimplemented_service({ unimplementedService }) {
    await expectStatus(unary(unimplementedService, 'UnimplementedCall', {}), grpc.status.UNIMPLEMENTED,
      'UnimplementedService/UnimplementedCall');
  },
};
