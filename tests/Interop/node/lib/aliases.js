'use strict';
// ListAliases as the server's own account of open Subscribe streams: a held alias counts one holder per live stream,
// so its holders falling back to 0 shows the server saw a stream end and released it.
const { unary } = require('./rpc');
const { check } = require('./assert');

const POLL_TIMEOUT_MS = 10000;
const POLL_INTERVAL_MS = 50;

/** The holders of `name` (0 when the broker does not list it). */
async function holdersOf(notifier, name) {
  const { aliases } = await unary(notifier, 'ListAliases', {});
  const entry = aliases.find((a) => a.name.toLowerCase() === name.toLowerCase());
  return entry ? entry.holders : 0;
}

/** Polls ListAliases until `name` has `expected` holders; fails after POLL_TIMEOUT_MS. */
async function waitForHolders(notifier, name, expected) {
  const giveUpAt = Date.now() + POLL_TIMEOUT_MS;
  let holders = await holdersOf(notifier, name);
  while (holders !== expected) {
    check(Date.now() < giveUpAt,
      `alias ${name}: still ${holders} holder(s) after ${POLL_TIMEOUT_MS} ms, expected ${expected}`);
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
    holders = await holdersOf(notifier, name);
  }
}

module.exports = { holdersOf, waitForHolders };
