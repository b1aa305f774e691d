'use strict';
// Cancel and deadline cases. The client-side status is produced locally by grpc-js, so each case also asks the host's
// CallInspector whether the server ran a handler for the call and released it.
//
// Unlike grpc core (Python, C++: a bare RST_STREAM(CANCEL)), grpc-js cancels by closing its Node http2 stream, and
// Node half-closes first: the server receives an empty DATA frame with END_STREAM, then RST_STREAM(CANCEL). A handler
// that answers at half-close (StreamingInputCall, FullDuplexCall) may therefore legitimately finish with OK before the
// reset arrives, so whether it "observed the cancellation" is a race this client cannot make deterministic. Here we
// assert what is deterministic — the call reached a running handler, the handler returned, nothing is left running;
// the Python and C++ clients assert that the handler observed the cancellation.
const grpc = require('@grpc/grpc-js');
const { nextMessage, finalStatus } = require('../rpc');
const { check, checkZeroPayload, statusName } = require('../assert');
const { getCallStats, waitForHandlerStarted, waitForHandlerReleased, waitForStats } = require('../call-stats');

const zeros = (n) => Buffer.alloc(n);

function checkCode(status, expected, what) {
  check(status.code === expected,
    `${what}: expected ${statusName(expected)}, got ${statusName(status.code)} (${JSON.stringify(status.details)})`);
}

module.exports = {
  async cancel_after_begin({ testService, inspector }) {
    const baseline = await getCallStats(inspector);
    const call = testService.StreamingInputCall(() => { /* outcome read from the status event */ });
    const status = finalStatus(call);
    // "Begin" = the call reached its handler; cancelling before the HEADERS frame left would test nothing server-side.
    await waitForHandlerStarted(inspector, baseline);
    call.cancel();
    checkCode(await status, grpc.status.CANCELLED, 'StreamingInputCall');
    await waitForHandlerReleased(inspector, baseline);
  },

  async cancel_after_first_response({ testService, inspector }) {
    const baseline = await getCallStats(inspector);
    const call = testService.FullDuplexCall();
    const status = finalStatus(call);
    call.pause();
    call.write({ response_type: 'COMPRESSABLE', response_parameters: [{ size: 31415 }], payload: { body: zeros(27182) } });
    const first = await nextMessage(call);
    checkZeroPayload(first.payload, 31415, 'first response');
    call.cancel();
    checkCode(await status, grpc.status.CANCELLED, 'FullDuplexCall');
    await waitForHandlerReleased(inspector, baseline);
  },

  async timeout_on_sleeping_server({ testService, inspector }) {
    // 1) Exactly as specified: 1 ms deadline. grpc-js may expire it before the request even leaves, so only the
    //    client status and "nothing left running" are asserted for this call.
    let baseline = await getCallStats(inspector);
    let call = testService.FullDuplexCall({ deadline: Date.now() + 1 });
    let status = finalStatus(call);
    call.write({ payload: { body: zeros(27182) } });
    checkCode(await status, grpc.status.DEADLINE_EXCEEDED, '1 ms deadline FullDuplexCall');
    await waitForStats(inspector, (s) => s.active_calls <= baseline.active_calls,
      `a handler was left running after the 1 ms deadline call (active_calls back to ${baseline.active_calls})`);

    // 2) A deadline long enough for the handler to be running when it expires: the server's own grpc-timeout timer
    //    and grpc-js's (END_STREAM + RST_STREAM) race, so: the handler ran and was released.
    baseline = await getCallStats(inspector);
    call = testService.FullDuplexCall({ deadline: Date.now() + 2000 });
    status = finalStatus(call);
    call.write({ payload: { body: zeros(27182) } });
    await waitForHandlerStarted(inspector, baseline);
    checkCode(await status, grpc.status.DEADLINE_EXCEEDED, '2 s deadline FullDuplexCall');
    await waitForHandlerReleased(inspector, baseline);
  },
};
