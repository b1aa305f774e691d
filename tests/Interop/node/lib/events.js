'use strict';
// Subscribe helpers shared by the cases: open a stream and wait until it is live, expect a given alias message.
const { subscribe, nextEvent } = require('./rpc');
const { check } = require('./assert');

/** Opens a Subscribe stream and waits for its Open event (the stream is live from then on). */
async function openStream(notifier, request, options = {}) {
  const stream = subscribe(notifier, request, options);
  const first = await nextEvent(stream);
  check(first.kind === 'open', `first event is ${first.kind}, expected open`);
  return { stream, open: first };
}

/** The next event, which must be the alias message `text` sent to `alias`. */
async function expectAliasMessage(stream, alias, text, what) {
  const event = await nextEvent(stream);
  check(event.kind === 'alias_message', `${what}: got a ${event.kind} event, expected alias_message`);
  const m = event.alias_message;
  check(m.alias.toLowerCase() === alias.toLowerCase() && m.text === text,
    `${what}: got alias message ${JSON.stringify(m)}, expected alias ${alias} text ${JSON.stringify(text)}`);
  return event;
}

module.exports = { openStream, expectAliasMessage };
