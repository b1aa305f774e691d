'use strict';
// Reads the host's CallInspector counters. A cancel/deadline case only proves something if the server side saw the
// cancellation and released the handler; the client-side status alone is produced locally by grpc-js.
const { unary } = require('./rpc');
const { check } = require('./assert');

const POLL_TIMEOUT_MS = 10000;
const POLL_INTERVAL_MS = 20;

async function getCallStats(inspector) {
  const { response } = await unary(inspector, 'GetCallStats', {}, { deadline: Date.now() + POLL_TIMEOUT_MS });
  return response;
}

/** Polls the counters until predicate(stats) holds; fails with `what` and the last counters after POLL_TIMEOUT_MS. */
async function waitForStats(inspector, predicate, what) {
  const giveUpAt = Date.now() + POLL_TIMEOUT_MS;
  let stats = await getCallStats(inspector);
  while (!predicate(stats)) {
    check(Date.now() < giveUpAt, `${what} (after ${POLL_TIMEOUT_MS} ms; server counters ${JSON.stringify(stats)})`);
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    stats = await getCallStats(inspector);
  }
  return stats;
}

/** Waits until the server runs one more TestService handler than in `baseline` (our call reached its handler). */
function waitForHandlerStarted(inspector, baseline) {
  return waitForStats(inspector, (s) => s.active_calls > baseline.active_calls,
    'server never started a handler for the call');
}

/**
 * Waits until the server reports that a handler observed cancellation (`counters` names which counters may show it)
 * and that no handler is left running beyond the baseline.
 */
function waitForCancellationObserved(inspector, baseline, counters = ['cancelled_calls']) {
  return waitForStats(inspector,
    (s) => counters.some((c) => s[c] > baseline[c]) && s.active_calls <= baseline.active_calls,
    `server did not report the cancellation (${counters.join(' or ')} increased) with active_calls back to ` +
    `${baseline.active_calls}`);
}

/**
 * Waits until the handler of our call has returned and nothing is left running beyond the baseline, whatever the
 * handler made of the call's end (see the grpc-js note in cases/cancellation.js).
 */
function waitForHandlerReleased(inspector, baseline) {
  return waitForStats(inspector,
    (s) => s.completed_calls > baseline.completed_calls && s.active_calls <= baseline.active_calls,
    `server did not release the handler (completed_calls increased, active_calls back to ${baseline.active_calls})`);
}

module.exports = {
  getCallStats, waitForHandlerStarted, waitForCancellationObserved, waitForHandlerReleased, waitForStats,
};
