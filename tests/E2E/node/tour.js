#!/usr/bin/env node
// The README tour against a running broker, from a client that shares no code with it: grpc-js with the contract
// loaded at run time from protos/notify/v1/notifier.proto. Each check prints "PASS <name>" or "FAIL <name>: <why>";
// the last line is "<passed> passed, <failed> failed". Exit code 0 when every check passed.
//
//   node tour.js --address 127.0.0.1:50051
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const REPO_PROTOS = path.resolve(__dirname, '../../../protos');
const LOCAL_PROTOS = path.resolve(__dirname, 'protos');
const WAIT_MS = 15000; // bounds every wait so a missing event fails a check instead of hanging the suite

function parseArgs(argv) {
  const args = { address: '127.0.0.1:50051' };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--address') args.address = argv[++i];
  }
  return args;
}

const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [REPO_PROTOS] };
const notify = grpc.loadPackageDefinition(protoLoader.loadSync('notify/v1/notifier.proto', loaderOptions)).notify.v1;
const health = grpc.loadPackageDefinition(protoLoader.loadSync('grpc/health/v1/health.proto', loaderOptions)).grpc.health.v1;

// For the rich error details (grpc-status-details-bin): google.rpc.Status with packed ErrorInfo / notify.v1.Position.
const detailsRoot = new protobuf.Root();
detailsRoot.resolvePath = (origin, target) =>
  target.startsWith('google/rpc/') ? path.join(LOCAL_PROTOS, target)
    : target.startsWith('notify/') ? path.join(REPO_PROTOS, target)
      : protobuf.util.path.resolve(origin, target);
detailsRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto', 'notify/v1/notifier.proto'], { keepCase: true });
const RpcStatus = detailsRoot.lookupType('google.rpc.Status');
const ErrorInfo = detailsRoot.lookupType('google.rpc.ErrorInfo');

function errorInfoOf(error) {
  const bin = error.metadata && error.metadata.get('grpc-status-details-bin')[0];
  if (!bin) return null;
  const status = RpcStatus.decode(bin);
  const any = status.details.find((d) => d.type_url.endsWith('/google.rpc.ErrorInfo'));
  return any ? ErrorInfo.toObject(ErrorInfo.decode(any.value)) : null;
}

/** A Subscribe stream whose events can be awaited one at a time. */
class EventStream {
  constructor(client, request) {
    this.queue = [];
    this.waiters = [];
    this.error = null;
    this.call = client.Subscribe(request);
    this.call.on('data', (event) => this.push({ event }));
    this.call.on('error', (error) => { this.error = error; this.push({ error }); });
    this.call.on('end', () => this.push({ end: true }));
  }

  push(item) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item); else this.queue.push(item);
  }

  /** The next event that is not a keepalive. */
  async next() {
    for (;;) {
      const item = this.queue.length ? this.queue.shift() : await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no event within ${WAIT_MS} ms`)), WAIT_MS);
        this.waiters.push((value) => { clearTimeout(timer); resolve(value); });
      });
      if (item.error) throw item.error;
      if (item.end) throw new Error('the stream ended');
      if (item.event.kind !== 'keepalive') return item.event;
    }
  }

  cancel() { this.call.cancel(); }
}

function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + WAIT_MS }, (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const { address } = parseArgs(process.argv);
  const client = new notify.Notifier(address, grpc.credentials.createInsecure());
  const healthClient = new health.Health(address, grpc.credentials.createInsecure());
  let passed = 0;
  let failed = 0;
  const check = async (name, body) => {
    try {
      await body();
      passed++;
      console.log(`PASS ${name}`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name}: ${error && error.message ? error.message : error}`);
    }
  };

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
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((error) => {
  console.log(`FAIL tour: ${error && error.stack ? error.stack : error}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
