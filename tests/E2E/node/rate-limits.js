#!/usr/bin/env node
// Per-identity rate limits as a grpc-js client meets them, against a broker started with
// --Security:RateLimits:CallsPerSecond=1 --Security:RateLimits:CallBurst=2 --Security:RateLimits:OpenStreams=1
// (its admin key in NB_E2E_ADMIN_KEY): over the call rate is RESOURCE_EXHAUSTED with ErrorInfo RATE_LIMITED
// (limit=calls) and a RetryInfo whose delay is enough; a second open stream is RATE_LIMITED (limit=open_streams);
// each identity has its own limits; admin keys and health have none.
//
// Each check prints "PASS <name>" or "FAIL <name>: <why>"; the last line is "<passed> passed, <failed> failed".
//
//   NB_E2E_ADMIN_KEY=... node rate-limits.js --address 127.0.0.1:50052
'use strict';

const {
  grpc, notify, keys, health, WAIT_MS, parseArgs, as, EventStream, unary, assert, expectRefusal, failureOf,
  subscribeFailureOf, checks, run, sleep,
} = require('./common');

const { RESOURCE_EXHAUSTED } = grpc.status;

// What run-suite.sh configures on this broker.
const CALLS_PER_SECOND = 1;
const CALL_BURST = 2;

async function main() {
  const { address } = parseArgs(process.argv);
  const adminKey = process.env.NB_E2E_ADMIN_KEY;
  assert(adminKey, 'NB_E2E_ADMIN_KEY is not set');
  const insecure = grpc.credentials.createInsecure();
  const opened = [];
  const track = (client) => { opened.push(client); return client; };
  const admin = track(new notify.Notifier(address, insecure, as(adminKey)));
  const adminKeys = track(new keys.Keys(address, insecure, as(adminKey)));
  const streams = [];
  const { check, summary } = checks();

  /** Calls ListAliases as <client> until one is refused (at most <max> calls): the refusal and how many succeeded. */
  const callUntilRefused = async (client, max) => {
    for (let succeeded = 0; succeeded < max; succeeded++) {
      const error = await failureOf(client, 'ListAliases', {});
      if (error) return { error, succeeded };
    }
    return { error: null, succeeded: max };
  };

  /** A new stored key (created with the admin key, whose calls are not limited) as a Notifier client. */
  const clientFor = async (name, scopes) => {
    const created = await unary(adminKeys, 'CreateKey', { name, scopes });
    return track(new notify.Notifier(address, insecure, as(created.secret)));
  };
  let limited = null;
  let other = null;
  let streamer = null;
  await check('setup: the admin key creates the keys of these checks', async () => {
    limited = await clientFor('e2e-limited', ['notify:aliases']);
    other = await clientFor('e2e-other', ['notify:aliases', 'notify:subscribe']);
    streamer = await clientFor('e2e-streams', ['notify:subscribe']);
  });

  let retryMs = 0;
  await check(`calls beyond the burst (${CALL_BURST}) are RESOURCE_EXHAUSTED / RATE_LIMITED limit=calls with a RetryInfo`, async () => {
    assert(limited, 'no key');
    // The key's bucket is full: CALL_BURST calls pass back to back, the next one is refused. The bucket refills
    // CALLS_PER_SECOND tokens on a timer of its own, which may tick once while these few calls run.
    const { error, succeeded } = await callUntilRefused(limited, CALL_BURST + CALLS_PER_SECOND + 2);
    assert(succeeded >= CALL_BURST && succeeded <= CALL_BURST + CALLS_PER_SECOND,
      `${succeeded} calls passed before a refusal, expected ${CALL_BURST} (or ${CALL_BURST + CALLS_PER_SECOND} with a refill tick)`);
    const { info, retry } = expectRefusal('the call over the limit', error, RESOURCE_EXHAUSTED, 'RATE_LIMITED', { limit: 'calls' });
    assert(retry && retry.retry_delay, `no google.rpc.RetryInfo in the details (ErrorInfo ${JSON.stringify(info)})`);
    retryMs = retry.retryMs;
    assert(retryMs > 0 && retryMs <= 1000 / CALLS_PER_SECOND + 50, `retry_delay ${JSON.stringify(retry.retry_delay)}`);
    if (info.metadata.retry_after_ms !== undefined) {
      assert(Math.abs(Number(info.metadata.retry_after_ms) - retryMs) <= 1, `retry_after_ms ${info.metadata.retry_after_ms}, RetryInfo ${retryMs} ms`);
    }
  });

  await check('the limit is per identity: another key still calls while the first is over its rate', async () => {
    assert(limited && other, 'no keys');
    const { error } = await callUntilRefused(limited, CALL_BURST + CALLS_PER_SECOND + 2);
    expectRefusal('the first key over its rate', error, RESOURCE_EXHAUSTED, 'RATE_LIMITED', { limit: 'calls' });
    await unary(other, 'ListAliases', {});
  });

  await check('after the RetryInfo delay the same identity may call again', async () => {
    assert(retryMs > 0, 'no delay from the earlier check');
    const { error } = await callUntilRefused(limited, CALL_BURST + CALLS_PER_SECOND + 2);
    const { retry } = expectRefusal('over the rate', error, RESOURCE_EXHAUSTED, 'RATE_LIMITED', { limit: 'calls' });
    await sleep(retry.retryMs + 50);
    await unary(limited, 'ListAliases', {});
  });

  await check('admin keys are not rate-limited', async () => {
    for (let i = 0; i < CALL_BURST * 5; i++) await unary(admin, 'ListAliases', {});
    const first = new EventStream(admin, { message_ids: [0xC000] });
    streams.push(first);
    assert((await first.next()).kind === 'open', 'no open event');
    assert(await subscribeFailureOf(admin, { message_ids: [0xC001] }) === null, 'a second admin stream was refused');
    first.cancel();
  });

  await check('health is anonymous and not rate-limited', async () => {
    const client = track(new health.Health(address, insecure));
    for (let i = 0; i < CALL_BURST * 5; i++) {
      const reply = await unary(client, 'Check', { service: 'notify.v1.Notifier' });
      assert(reply.status === 'SERVING', `check ${i}: ${reply.status}`);
    }
  });

  await check('a second open stream of one identity is RESOURCE_EXHAUSTED / RATE_LIMITED limit=open_streams; another identity may still open one', async () => {
    assert(streamer && other, 'no keys');
    const first = new EventStream(streamer, { message_ids: [0xC000] });
    streams.push(first);
    const open = await first.next();
    assert(open.kind === 'open', `first event is ${open.kind}`);
    const error = await subscribeFailureOf(streamer, { message_ids: [0xC001] });
    expectRefusal('the second stream', error, RESOURCE_EXHAUSTED, 'RATE_LIMITED', { limit: 'open_streams' });
    // Opening streams does not spend calls, and other identities have their own count.
    assert(await subscribeFailureOf(other, { message_ids: [0xC000] }) === null, 'another identity could not open a stream');
    // The first stream is untouched by the refusal.
    first.cancel();
  });

  await check('a closed stream frees its place: the identity may open a stream again', async () => {
    assert(streamer, 'no key');
    const deadline = Date.now() + WAIT_MS;
    let error = null;
    for (;;) {
      error = await subscribeFailureOf(streamer, { message_ids: [0xC000] });
      if (error === null || Date.now() > deadline) break;
      expectRefusal('while the cancelled stream closes', error, RESOURCE_EXHAUSTED, 'RATE_LIMITED', { limit: 'open_streams' });
      await sleep(100);
    }
    assert(error === null, `still refused after ${WAIT_MS} ms: ${error && error.details}`);
  });

  for (const s of streams) s.cancel();
  for (const client of opened) client.close();
  summary();
}

run('rate-limits', main);
