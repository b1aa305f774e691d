'use strict';
// The Notifier's own flows: Send to an alias a stream holds, Broadcast of a registered window message to a filtered
// stream, and a resume after a disconnect that replays exactly what was missed.
const { unary, nextEvent } = require('../rpc');
const { check } = require('../assert');
const { openStream, expectAliasMessage } = require('../events');

const BSF_POSTMESSAGE = 0x10;

async function send(notifier, alias, text) {
  const reply = await unary(notifier, 'Send', { msg_name: alias, text, from_name: 'interop-node' });
  check(reply.path === 'SEND_PATH_ALIAS', `Send(${alias}): path ${reply.path}, expected SEND_PATH_ALIAS`);
  return reply;
}

module.exports = {
  async send({ notifier, unique }) {
    const alias = unique('send');
    const { stream } = await openStream(notifier, { hold_aliases: [alias] });
    try {
      const reply = await send(notifier, alias, 'hello from grpc-js');
      check(reply.recipients >= 1, `Send: recipients ${reply.recipients}, expected >= 1`);
      const event = await expectAliasMessage(stream, alias, 'hello from grpc-js', 'the held alias');
      check(event.alias_message.from_name === 'interop-node',
        `from_name ${JSON.stringify(event.alias_message.from_name)}, expected "interop-node"`);
    } finally {
      stream.cancel();
    }
  },

  async broadcast({ notifier, unique }) {
    const name = unique('Refresh');
    const { stream } = await openStream(notifier, { registered_names: [name] });
    try {
      const reply = await unary(notifier, 'Broadcast', { registered_name: name, flags: BSF_POSTMESSAGE, wparam: 42 });
      check(reply.result > 0, `Broadcast: result ${reply.result}, expected > 0`);
      const event = await nextEvent(stream);
      check(event.kind === 'window_message', `got a ${event.kind} event, expected window_message`);
      const m = event.window_message;
      check(m.id === reply.message_id && m.wparam === 42,
        `window message id ${m.id} wparam ${m.wparam}, expected id ${reply.message_id} (the reply's) wparam 42`);
    } finally {
      stream.cancel();
    }
  },

  async resume({ notifier, unique }) {
    // A second stream holds the alias throughout, so the two Sends while the first stream is gone still land in
    // history (and the alias never disappears from the name table).
    const alias = unique('resume');
    const keeper = await openStream(notifier, { hold_aliases: [alias] });
    try {
      const first = await openStream(notifier, { aliases: [alias] });
      await send(notifier, alias, 'seen');
      const seen = await expectAliasMessage(first.stream, alias, 'seen', 'before the disconnect');
      first.stream.cancel();

      await send(notifier, alias, 'missed 1');
      await send(notifier, alias, 'missed 2');
      const { stream, open } = await openStream(notifier, { aliases: [alias], after: seen.position });
      try {
        check(open.open.recovered === true, `Open.recovered is ${open.open.recovered} after ${JSON.stringify(seen.position)}`);
        const one = await expectAliasMessage(stream, alias, 'missed 1', 'first replayed event');
        const two = await expectAliasMessage(stream, alias, 'missed 2', 'second replayed event');
        check(one.position.epoch === seen.position.epoch && two.position.epoch === seen.position.epoch,
          'the replayed events carry another epoch');
        check(seen.position.offset < one.position.offset && one.position.offset < two.position.offset,
          `positions out of order: ${seen.position.offset}, ${one.position.offset}, ${two.position.offset}`);
        // A live message right after proves nothing else (no duplicate) was queued behind the two.
        await send(notifier, alias, 'live');
        await expectAliasMessage(stream, alias, 'live', 'the event after the replay');
      } finally {
        stream.cancel();
      }
    } finally {
      keeper.stream.cancel();
    }
  },
};
