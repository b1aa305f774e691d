#!/usr/bin/env node
// The README tour against a running broker, from a client that shares no code with it: grpc-js with the contract
// loaded at run time from protos/notify/v1/notifier.proto. Each check prints "PASS <name>" or "FAIL <name>: <why>";
// the last line is "<passed> passed, <failed> failed". Exit code 0 when every check passed. Every call carries the
// broker's admin key (the broker runs with --Security:AdminKey); the security checks are in security.js.
//
//   NB_E2E_ADMIN_KEY=<the broker's admin key> node tour.js --address 127.0.0.1:50051
'use strict';

const { grpc, notify, health, parseArgs, detailsOf, errorInfoOf, as, EventStream, unary, assert, checks, run } = require('./common');

async function main() {
  const { address } = parseArgs(process.argv);
  // The broker needs an identity on every Notifier call: the suite's admin key, from the environment (not argv).
  const adminKey = process.env.NB_E2E_ADMIN_KEY;
  assert(adminKey, 'NB_E2E_ADMIN_KEY is not set');
  const client = new notify.Notifier(address, grpc.credentials.createInsecure(), as(adminKey));
  const healthClient = new health.Health(address, grpc.credentials.createInsecure());
  const { check, summary } = checks();

  let tail = null;
  let lastOpsPosition = null;
  let registeredId = 0;

  await check('health reports SERVING', async () => {
    const reply = await unary(healthClient, 'Check', { service: 'notify.v1.Notifier' });
    assert(reply.status === 'SERVING', `status ${reply.status}`);
  });

  await check('subscribe opens with the current position', async () => {
    tail = new EventStream(client, { hold_aliases: ['tour'], aliases: ['ops'], registered_names: ['NotifyBroker.Tour'] });
    const open = await tail.next();
    assert(open.kind === 'open', `first event is ${open.kind}`);
    assert(open.position && open.position.epoch.length > 0, 'Open carries no position');
  });

  await check('add alias, then list shows it registered and the held alias with its holder', async () => {
    await unary(client, 'AddAlias', { name: 'ops' });
    const reply = await unary(client, 'ListAliases', {});
    const ops = reply.aliases.find((a) => a.name === 'ops');
    const held = reply.aliases.find((a) => a.name === 'tour');
    assert(ops && ops.registered, 'ops is not registered');
    assert(held && held.holders === 1, `tour holders ${held && held.holders}`);
  });

  await check('send to the held alias reaches the subscriber', async () => {
    const reply = await unary(client, 'Send', { msg_name: 'tour', text: 'hello from node', from_name: 'e2e' });
    assert(reply.path === 'SEND_PATH_ALIAS' && reply.recipients === 1, `path ${reply.path}, recipients ${reply.recipients}`);
    const event = await tail.next();
    assert(event.kind === 'alias_message', `got ${event.kind}`);
    assert(event.alias_message.text === 'hello from node' && event.alias_message.from_name === 'e2e', JSON.stringify(event.alias_message));
    assert(event.position.offset === reply.position.offset, 'position differs from the Send reply');
  });

  await check('broadcast of a registered message reaches the subscriber', async () => {
    const reply = await unary(client, 'Broadcast', { registered_name: 'NotifyBroker.Tour', wparam: '7', lparam: '-9' });
    registeredId = reply.message_id;
    assert(reply.result > 0, `result ${reply.result}`);
    assert(registeredId >= 0xC000 && registeredId <= 0xFFFF, `message id ${registeredId}`);
    const event = await tail.next();
    assert(event.kind === 'window_message', `got ${event.kind}`);
    const message = event.window_message;
    assert(message.id === registeredId && message.registered_name === 'NotifyBroker.Tour', JSON.stringify(message));
    assert(message.wparam === '7' && message.lparam === '-9', `wparam ${message.wparam} lparam ${message.lparam}`);
    assert(message.source === 'MESSAGE_SOURCE_BROADCAST_RPC', `source ${message.source}`);
  });

  await check('send to a registered alias the subscriber filters on', async () => {
    await unary(client, 'Send', { msg_name: 'ops', text: 'm1' });
    const event = await tail.next();
    assert(event.kind === 'alias_message' && event.alias_message.text === 'm1', `got ${event.kind}`);
    lastOpsPosition = event.position;
  });

  await check('resume after the last position replays what was missed, without gap', async () => {
    tail.cancel();
    const sent = [];
    for (const text of ['m2', 'm3', 'm4']) {
      sent.push((await unary(client, 'Send', { msg_name: 'ops', text })).position);
    }
    const resumed = new EventStream(client, { aliases: ['ops'], after: lastOpsPosition });
    try {
      const open = await resumed.next();
      assert(open.kind === 'open' && open.open.recovered === true, 'the resume was not recovered');
      let previous = BigInt(lastOpsPosition.offset);
      for (const text of ['m2', 'm3', 'm4']) {
        const event = await resumed.next();
        assert(event.kind === 'alias_message' && event.alias_message.text === text, `expected ${text}, got ${JSON.stringify(event.alias_message)}`);
        assert(BigInt(event.position.offset) === previous + 1n, `offset ${event.position.offset} after ${previous}`);
        previous = BigInt(event.position.offset);
      }
      assert(previous === BigInt(sent[2].offset), 'the last replayed offset is not the last sent');
    } finally {
      resumed.cancel();
    }
  });

  await check('resume after a position from another epoch opens with recovered=false and goes live', async () => {
    const head = (await unary(client, 'Send', { msg_name: 'ops', text: 'epoch-head' })).position;
    const stream = new EventStream(client, { aliases: ['ops'], after: { offset: head.offset, epoch: `${head.epoch}-previous-run` } });
    try {
      const open = await stream.next();
      assert(open.kind === 'open' && open.open.recovered === false, `open ${JSON.stringify(open.open)}`);
      assert(open.position.epoch === head.epoch && open.position.offset === head.offset, `open position ${JSON.stringify(open.position)}`);
      // Nothing is replayed: the next event is the next live one.
      const live = await unary(client, 'Send', { msg_name: 'ops', text: 'epoch-live' });
      const event = await stream.next();
      assert(event.kind === 'alias_message' && event.alias_message.text === 'epoch-live', `got ${JSON.stringify(event)}`);
      assert(event.position.offset === live.position.offset, `offset ${event.position.offset}`);
    } finally {
      stream.cancel();
    }
  });

  await check('resume after a position outside history (beyond its head) opens with recovered=false', async () => {
    const head = (await unary(client, 'Send', { msg_name: 'ops', text: 'outside-head' })).position;
    const beyond = (BigInt(head.offset) + 1000n).toString();
    const stream = new EventStream(client, { aliases: ['ops'], after: { offset: beyond, epoch: head.epoch } });
    try {
      const open = await stream.next();
      assert(open.kind === 'open' && open.open.recovered === false, `open ${JSON.stringify(open.open)}`);
      assert(open.position.offset === head.offset, `open position ${open.position.offset}, head ${head.offset}`);
      assert(BigInt(open.open.oldest.offset) <= BigInt(head.offset), `oldest ${open.open.oldest.offset}`);
    } finally {
      stream.cancel();
    }
  });

  await check('WM_COPYDATA bytes and dwData round trip through payload.copy_data', async () => {
    const WM_COPYDATA = 0x004A;
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) & 0xff)); // every byte value, zeros included
    const stream = new EventStream(client, { message_ids: [WM_COPYDATA] });
    try {
      assert((await stream.next()).kind === 'open', 'no open event');
      const reply = await unary(client, 'Broadcast', {
        message_id: WM_COPYDATA, wparam: '5', payload: { copy_data: { data: '18446744073709551615', bytes } },
      });
      assert(reply.result > 0 && reply.message_id === WM_COPYDATA, `reply ${JSON.stringify(reply)}`);
      const event = await stream.next();
      assert(event.kind === 'window_message', `got ${event.kind}`);
      const message = event.window_message;
      assert(message.id === WM_COPYDATA && message.wparam === '5', `id ${message.id} wparam ${message.wparam}`);
      const copy = message.payload && message.payload.copy_data;
      assert(copy, `payload ${JSON.stringify(message.payload)}`);
      assert(copy.data === '18446744073709551615', `dwData ${copy.data}`);
      assert(Buffer.compare(Buffer.from(copy.bytes), bytes) === 0, `bytes differ (${copy.bytes.length} received)`);
    } finally {
      stream.cancel();
    }
  });

  await check('since replays from the given time (taken from the broker\'s own event time) in order, then goes live', async () => {
    await unary(client, 'AddAlias', { name: 'since-feed' });
    const watcher = new EventStream(client, { aliases: ['since-feed'] });
    let replay = null;
    try {
      assert((await watcher.next()).kind === 'open', 'no open event');
      await unary(client, 'Send', { msg_name: 'since-feed', text: 'before' });
      const before = await watcher.next();
      assert(before.alias_message.text === 'before', `got ${JSON.stringify(before)}`);
      // `since` is inclusive: 100 ns (one .NET tick) after the broker's time for "before" leaves it out and takes
      // in everything later (event times never go backwards), without the client's clock involved.
      const nanos = before.time.nanos + 100;
      const since = { seconds: (BigInt(before.time.seconds) + BigInt(Math.floor(nanos / 1e9))).toString(), nanos: nanos % 1e9 };
      await unary(client, 'Send', { msg_name: 'since-feed', text: 'one' });
      await unary(client, 'Send', { msg_name: 'since-feed', text: 'two' });

      replay = new EventStream(client, { aliases: ['since-feed'], since });
      const open = await replay.next();
      assert(open.kind === 'open' && open.open.recovered === true, `open ${JSON.stringify(open.open)}`);
      for (const text of ['one', 'two']) {
        const event = await replay.next();
        assert(event.kind === 'alias_message' && event.alias_message.text === text, `expected ${text}, got ${JSON.stringify(event.alias_message)}`);
      }
      await unary(client, 'Send', { msg_name: 'since-feed', text: 'three' });
      const live = await replay.next();
      assert(live.alias_message && live.alias_message.text === 'three', `expected three, got ${JSON.stringify(live)}`);
    } finally {
      watcher.cancel();
      if (replay) replay.cancel();
    }
  });

  await check('an idle stream with a short keepalive_interval gets keepalives carrying its position', async () => {
    const stream = new EventStream(client, { aliases: ['nobody-sends-here'], keepalive_interval: { seconds: '0', nanos: 200000000 } });
    try {
      const open = await stream.nextAny();
      assert(open.kind === 'open', `first event is ${open.kind}`);
      const interval = open.open.keepalive_interval;
      assert(interval.seconds === '0' && interval.nanos === 200000000, `effective interval ${JSON.stringify(interval)}`);
      for (let i = 0; i < 2; i++) {
        const keepalive = await stream.nextAny();
        assert(keepalive.kind === 'keepalive', `got ${keepalive.kind}`);
        assert(keepalive.position.epoch === open.position.epoch && keepalive.position.offset === open.position.offset,
          `keepalive position ${JSON.stringify(keepalive.position)}, open ${JSON.stringify(open.position)}`);
      }
    } finally {
      stream.cancel();
    }
  });

  await check('a subscriber that stops reading is ended with RESOURCE_EXHAUSTED / SLOW_CONSUMER and its resume position', async () => {
    // The suite starts the broker with Broker:SubscriberQueueCapacity=8. While this stream is paused, the HTTP/2
    // window (64 KiB), the broker's response buffer and its queue of 8 hold far fewer than 300 events of ~1 KB.
    const Messages = 300;
    const text = 'x'.repeat(1000);
    await unary(client, 'AddAlias', { name: 'flood' });
    const stalled = new EventStream(client, { aliases: ['flood'] });
    let resumed = null;
    try {
      const open = await stalled.next();
      assert(open.kind === 'open', 'no open event');
      stalled.pause();
      let first = null;
      let last = null;
      for (let i = 0; i < Messages; i++) {
        last = (await unary(client, 'Send', { msg_name: 'flood', text })).position;
        first = first || last;
      }
      stalled.resume();

      const { events, error } = await stalled.readUntilError();
      assert(error.code === grpc.status.RESOURCE_EXHAUSTED, `code ${error.code} (${error.details}) after ${events.length} events`);
      assert(events.length < Messages, `all ${events.length} events arrived`);
      const { info, position } = detailsOf(error);
      assert(info && info.reason === 'SLOW_CONSUMER' && info.domain === 'notify.v1', `ErrorInfo ${JSON.stringify(info)}`);
      assert(position, 'no packed notify.v1.Position in the details');
      const lastSeen = events.length ? events[events.length - 1].position.offset : (BigInt(first.offset) - 1n).toString();
      assert(position.offset === lastSeen && position.epoch === first.epoch, `resume position ${JSON.stringify(position)}, last seen ${lastSeen}`);
      assert(info.metadata.offset === position.offset && info.metadata.epoch === position.epoch, `metadata ${JSON.stringify(info.metadata)}`);

      // Resuming after it replays the rest without gap or duplicate.
      resumed = new EventStream(client, { aliases: ['flood'], after: position });
      const reopened = await resumed.next();
      assert(reopened.open && reopened.open.recovered === true, `open ${JSON.stringify(reopened.open)}`);
      let expected = BigInt(position.offset) + 1n;
      while (expected <= BigInt(last.offset)) {
        const event = await resumed.next();
        assert(BigInt(event.position.offset) === expected, `offset ${event.position.offset}, expected ${expected}`);
        expected++;
      }
    } finally {
      stalled.cancel();
      if (resumed) resumed.cancel();
    }
  });

  await check('a server_name other than this broker\'s is INVALID_ARGUMENT with NERR_InvalidComputer (2351)', async () => {
    for (const [method, request] of [
      ['Send', { server_name: 'some-other-server', msg_name: 'ops', text: 'x' }],
      ['AddAlias', { server_name: 'some-other-server', name: 'elsewhere' }],
    ]) {
      try {
        await unary(client, method, request);
      } catch (error) {
        assert(error.code === grpc.status.INVALID_ARGUMENT, `${method}: code ${error.code}`);
        const info = errorInfoOf(error);
        assert(info && info.reason === 'NERR_InvalidComputer' && info.metadata.code === '2351', `${method}: ${JSON.stringify(info)}`);
        continue;
      }
      throw new Error(`${method} succeeded`);
    }
  });

  // Not covered here: a BSF_QUERY veto. It needs a window that answers BROADCAST_QUERY_DENY, and the in-memory
  // desktop can only be given such a window in-process (tests/NotifyBroker.Server.Tests cover it).

  await check('send to an unknown alias is NOT_FOUND with NERR_NameNotFound (2273)', async () => {
    try {
      await unary(client, 'Send', { msg_name: 'nobody-here', text: 'x' });
    } catch (error) {
      assert(error.code === grpc.status.NOT_FOUND, `code ${error.code}`);
      const info = errorInfoOf(error);
      assert(info && info.reason === 'NERR_NameNotFound' && info.domain === 'notify.v1' && info.metadata.code === '2273', JSON.stringify(info));
      return;
    }
    throw new Error('the call succeeded');
  });

  await check('unknown broadcast flags are INVALID_ARGUMENT with ERROR_INVALID_PARAMETER (87)', async () => {
    try {
      await unary(client, 'Broadcast', { message_id: 0x8001, flags: 0x10000 });
    } catch (error) {
      assert(error.code === grpc.status.INVALID_ARGUMENT, `code ${error.code}`);
      const info = errorInfoOf(error);
      assert(info && info.reason === 'ERROR_INVALID_PARAMETER' && info.metadata.code === '87', JSON.stringify(info));
      return;
    }
    throw new Error('the call succeeded');
  });

  client.close();
  healthClient.close();
  summary();
}

run('tour', main);
