'use strict';
// A Subscribe stream that ends by deadline or by cancellation must end on the server too: the aliases it held are
// released. The client-side status alone proves nothing (grpc-js makes it locally), ListAliases' holders does.
const grpc = require('@grpc/grpc-js');
const { check, statusName } = require('../assert');
const { holdersOf, waitForHolders } = require('../aliases');
const { openStream } = require('../events');

module.exports = {
  async deadline({ notifier, unique }) {
    const alias = unique('deadline');
    // Open arrives only once the server holds the alias; the 1 s deadline then ends the stream.
    const { stream } = await openStream(notifier, { hold_aliases: [alias] }, { deadlineMs: 1000 });
    const status = await stream.end();
    check(status.code === grpc.status.DEADLINE_EXCEEDED,
      `the stream ended with ${statusName(status.code)} (${status.details}), expected DEADLINE_EXCEEDED`);
    await waitForHolders(notifier, alias, 0);
  },

  async cancellation({ notifier, unique }) {
    const alias = unique('cancel');
    const { stream } = await openStream(notifier, { hold_aliases: [alias] });
    const holders = await holdersOf(notifier, alias);
    check(holders === 1, `alias ${alias}: ${holders} holder(s) while the stream is open, expected 1`);
    stream.cancel();
    const status = await stream.end();
    check(status.code === grpc.status.CANCELLED,
      `the stream ended with ${statusName(status.code)} (${status.details}), expected CANCELLED`);
    await waitForHolders(notifier, alias, 0);
  },
};
