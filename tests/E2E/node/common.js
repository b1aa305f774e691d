// What the E2E clients share: the contract loaded at run time from protos/ (grpc-js + proto-loader), the decoded
// rich error details (google.rpc.Status in grpc-status-details-bin: ErrorInfo, RetryInfo, notify.v1.Position), a
// Subscribe stream whose events can be awaited, bearer credentials on insecure channels, HS256 JWTs, and the
// "PASS <name>" / "FAIL <name>: <why>" / "<passed> passed, <failed> failed" accounting the suite script counts.
'use strict';

const crypto = require('node:crypto');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');
const { assert, checks, run } = require('./checks');

const REPO_PROTOS = path.resolve(__dirname, '../../../protos');
const LOCAL_PROTOS = path.resolve(__dirname, 'protos');
// google/api (the HTTP annotations the contract imports): the one copy the foreign clients share.
const GOOGLE_API_PROTOS = path.resolve(__dirname, '../../Interop/protos');
const WAIT_MS = 15000; // bounds every wait so a missing event fails a check instead of hanging the suite

/** --address host:port and any other "--name value" pairs, as { address, name: value }. */
function parseArgs(argv, defaults = {}) {
  const args = { address: '127.0.0.1:50051', ...defaults };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i].startsWith('--') && i + 1 < argv.length) {
      args[argv[i].slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[++i];
    }
  }
  return args;
}

const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [REPO_PROTOS, LOCAL_PROTOS, GOOGLE_API_PROTOS] };
const load = (file) => grpc.loadPackageDefinition(protoLoader.loadSync(file, loaderOptions));
const notify = load('notify/v1/notifier.proto').notify.v1;
const keys = load('notify/v1/keys.proto').notify.v1;
const health = load('grpc/health/v1/health.proto').grpc.health.v1;
const reflection = load('grpc/reflection/v1/reflection.proto').grpc.reflection.v1;

// For the rich error details (grpc-status-details-bin): google.rpc.Status with packed ErrorInfo, RetryInfo and
// notify.v1.Position.
const detailsRoot = new protobuf.Root();
detailsRoot.resolvePath = (origin, target) =>
  target.startsWith('google/rpc/') ? path.join(LOCAL_PROTOS, target)
    : target.startsWith('google/api/') ? path.join(GOOGLE_API_PROTOS, target)
    : target.startsWith('notify/') ? path.join(REPO_PROTOS, target)
      : protobuf.util.path.resolve(origin, target);
detailsRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto', 'notify/v1/notifier.proto'], { keepCase: true });
const RpcStatus = detailsRoot.lookupType('google.rpc.Status');
const ErrorInfo = detailsRoot.lookupType('google.rpc.ErrorInfo');
const RetryInfo = detailsRoot.lookupType('google.rpc.RetryInfo');
const PositionType = detailsRoot.lookupType('notify.v1.Position');
const toObjectOptions = { longs: String, defaults: true };

/**
 * The decoded grpc-status-details-bin: google.rpc.Status with its ErrorInfo, RetryInfo (retry_delay as
 * { seconds, nanos } plus retryMs) and packed notify.v1.Position, each null when absent.
 */
function detailsOf(error) {
  const bin = error && error.metadata && error.metadata.get('grpc-status-details-bin')[0];
  if (!bin) return { status: null, info: null, retry: null, position: null };
  const status = RpcStatus.decode(bin);
  const packed = (type) => status.details.find((d) => d.type_url === `type.googleapis.com/${type}`);
  const unpack = (type, Type) => {
    const any = packed(type);
    return any ? Type.toObject(Type.decode(any.value), toObjectOptions) : null;
  };
  const retry = unpack('google.rpc.RetryInfo', RetryInfo);
  if (retry && retry.retry_delay) {
    retry.retryMs = Number(retry.retry_delay.seconds) * 1000 + retry.retry_delay.nanos / 1e6;
  }
  return {
    status,
    info: unpack('google.rpc.ErrorInfo', ErrorInfo),
    retry,
    position: unpack('notify.v1.Position', PositionType),
  };
}

function errorInfoOf(error) {
  return detailsOf(error).info;
}

/**
 * An interceptor that adds "authorization: Bearer <token>" to every call. grpc-js refuses call credentials
 * (credentials.createFromMetadataGenerator) on an insecure channel, so the header goes in as call metadata.
 */
function bearer(token) {
  return (options, nextCall) => new grpc.InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      metadata.set('authorization', `Bearer ${token}`);
      next(metadata, listener);
    },
  });
}

/** Client options for a service client acting as <token> (none: an anonymous client). */
function as(token) {
  return token ? { interceptors: [bearer(token)] } : {};
}

/** An HS256 compact JWT of <claims>, signed with the base64 key <signingKeyBase64> (node's crypto, no JWT library). */
function mintJwt(claims, signingKeyBase64) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  const signature = crypto.createHmac('sha256', Buffer.from(signingKeyBase64, 'base64')).update(signed).digest('base64url');
  return `${signed}.${signature}`;
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

  /** The next stream item ({ event } | { error } | { end }), waiting at most WAIT_MS. */
  async nextItem() {
    if (this.queue.length) return this.queue.shift();
    return new Promise((resolve, reject) => {
      const waiter = (value) => { clearTimeout(timer); resolve(value); };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no event within ${WAIT_MS} ms`));
      }, WAIT_MS);
      this.waiters.push(waiter);
    });
  }

  /** The next event, keepalives included. */
  async nextAny() {
    const item = await this.nextItem();
    if (item.error) throw item.error;
    if (item.end) throw new Error('the stream ended');
    return item.event;
  }

  /** The next event that is not a keepalive. */
  async next() {
    for (;;) {
      const event = await this.nextAny();
      if (event.kind !== 'keepalive') return event;
    }
  }

  /** Reads until the stream fails: the events read (keepalives left out) and the error. */
  async readUntilError() {
    const events = [];
    for (;;) {
      const item = await this.nextItem();
      if (item.error) return { events, error: item.error };
      if (item.end) throw new Error(`the stream ended with OK after ${events.length} events`);
      if (item.event.kind !== 'keepalive') events.push(item.event);
    }
  }

  /** Stops reading: grpc-js stops taking data off the HTTP/2 stream, so its flow-control window fills up. */
  pause() { this.call.pause(); }

  resume() { this.call.resume(); }

  cancel() { this.call.cancel(); }
}

function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + WAIT_MS }, (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

const codeName = (code) => Object.keys(grpc.status).find((name) => grpc.status[name] === code) || String(code);

/**
 * Asserts that <error> (a failed call's error, or null when the call succeeded) has gRPC status <code> and an
 * ErrorInfo of domain notify.v1 with <reason> and at least the entries of <metadata>. Returns its decoded details.
 */
function expectRefusal(what, error, code, reason, metadata = {}) {
  assert(error, `${what} succeeded`);
  assert(error.code === code, `${what}: ${codeName(error.code)} (${error.details}), expected ${codeName(code)}`);
  const details = detailsOf(error);
  const { info } = details;
  assert(info, `${what}: no ErrorInfo in grpc-status-details-bin (${error.details})`);
  assert(info.domain === 'notify.v1' && info.reason === reason, `${what}: ErrorInfo ${JSON.stringify(info)}, expected reason ${reason}`);
  for (const [key, value] of Object.entries(metadata)) {
    assert(info.metadata[key] === value, `${what}: ErrorInfo metadata ${JSON.stringify(info.metadata)}, expected ${key}=${value}`);
  }
  assert(details.status.code === code, `${what}: google.rpc.Status code ${details.status.code}`);
  return details;
}

/** The error a unary call fails with, or null when it succeeds. */
async function failureOf(client, method, request) {
  try {
    await unary(client, method, request);
    return null;
  } catch (error) {
    if (error instanceof Error && error.code === undefined) throw error;
    return error;
  }
}

/**
 * The error a Subscribe fails with before (or instead of) its Open event, or null when it opens. The stream is
 * cancelled either way.
 */
async function subscribeFailureOf(client, request) {
  const stream = new EventStream(client, request);
  try {
    const item = await stream.nextItem();
    if (item.error) return item.error;
    if (item.end) throw new Error('the stream ended with OK before any event');
    return null;
  } finally {
    stream.cancel();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = {
  grpc, notify, keys, health, reflection, WAIT_MS, parseArgs, detailsOf, errorInfoOf, bearer, as, mintJwt, EventStream, unary,
  assert, expectRefusal, failureOf, subscribeFailureOf, checks, run, sleep,
};
