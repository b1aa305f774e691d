'use strict';
// Promise wrappers over grpc-js calls, so each case reads as a straight sequence of steps. Every wait is bounded.
const grpc = require('@grpc/grpc-js');

const WAIT_MS = 10000;

/** Unary call with a WAIT_MS deadline; resolves the response, rejects with the grpc-js ServiceError. */
function unary(client, method, request, { deadlineMs = WAIT_MS } = {}) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/**
 * A server-streaming (or bidi) call whose items are awaited one at a time: next() resolves the next message, and
 * rejects when the call ends first (with the status as a ServiceError-like error) or nothing comes within WAIT_MS.
 */
class Stream {
  constructor(call) {
    this.call = call;
    this.items = [];
    this.waiters = [];
    this.status = new Promise((resolve) => {
      call.on('status', (status) => { this.push({ status }); resolve(status); });
    });
    call.on('data', (message) => this.push({ message }));
    call.on('error', () => { /* the status event carries the same information */ });
  }

  push(item) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item); else this.items.push(item);
  }

  nextItem(timeoutMs) {
    if (this.items.length) return Promise.resolve(this.items[0].status ? this.items[0] : this.items.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (item) => {
        clearTimeout(timer);
        if (item.status) this.items.unshift(item); // the end stays visible to later reads
        resolve(item);
      };
      this.waiters.push(waiter);
    });
  }

  async next(timeoutMs = WAIT_MS) {
    const item = await this.nextItem(timeoutMs);
    if (item.status) {
      const { code, details, metadata } = item.status;
      throw Object.assign(new Error(`stream ended with status ${code} (${details}) before the expected message`),
        { code, details, metadata });
    }
    return item.message;
  }

  /** The final status, waiting at most timeoutMs for it. */
  async end(timeoutMs = WAIT_MS) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the call did not end within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.status, timeout]).finally(() => clearTimeout(timer));
  }

  cancel() {
    this.call.cancel();
  }
}

/** Opens a Subscribe stream (bounded by deadlineMs when given). */
function subscribe(client, request, { deadlineMs } = {}) {
  const options = deadlineMs ? { deadline: Date.now() + deadlineMs } : {};
  return new Stream(client.Subscribe(request, options));
}

/** The next event that is not a keepalive (a long test may meet one; they carry nothing to check). */
async function nextEvent(stream, timeoutMs = WAIT_MS) {
  for (;;) {
    const event = await stream.next(timeoutMs);
    if (event.kind !== 'keepalive') return event;
  }
}

module.exports = { WAIT_MS, unary, Stream, subscribe, nextEvent, OK: grpc.status.OK };
