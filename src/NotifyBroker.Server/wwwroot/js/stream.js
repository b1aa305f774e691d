// The live tail: GET /v1/subscribe read with fetch and a ReadableStream, resumed from the last position after a
// drop or a reload, with backoff between attempts.

import { field, readError } from './api.js';

/**
 * Splits a byte stream of JSON values into objects as they complete: newline-delimited objects, objects back to back,
 * or one JSON array of objects written element by element all work.
 */
export class JsonObjectSplitter {
  constructor() {
    this.buffer = '';
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.start = -1;
    this.scanned = 0;
  }

  /** Adds text; returns the objects it completed. */
  push(text) {
    this.buffer += text;
    const out = [];
    const b = this.buffer;
    let i = this.scanned;
    for (; i < b.length; i++) {
      const c = b[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') {
        this.inString = true;
      } else if (c === '{') {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (c === '}') {
        this.depth--;
        if (this.depth === 0 && this.start >= 0) {
          out.push(JSON.parse(b.slice(this.start, i + 1)));
          this.start = -1;
        }
      }
      // At depth 0, '[', ',', ']' and whitespace between objects are framing.
    }
    if (this.depth === 0) {
      this.buffer = '';
      this.scanned = 0;
    } else {
      this.buffer = b.slice(this.start);
      this.scanned = this.buffer.length;
      this.start = 0;
    }
    return out;
  }
}

/** Where a reload resumes: sessionStorage, so each tab keeps its own place (like its key). */
const POSITION_KEY = 'notifybroker.console.position';

export function loadPosition() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(POSITION_KEY) ?? 'null');
    return saved && saved.epoch && saved.offset !== undefined ? saved : null;
  } catch {
    return null;
  }
}

export function savePosition(position) {
  sessionStorage.setItem(POSITION_KEY, JSON.stringify(position));
}

export function clearPosition() {
  sessionStorage.removeItem(POSITION_KEY);
}

/** The query string of a SubscribeRequest (JSON transcoding binds fields by their JSON names). */
export function subscribeQuery(filter, after) {
  const q = new URLSearchParams();
  for (const id of filter.ids) q.append('messageIds', String(id));
  for (const [first, last] of filter.ranges) {
    q.append('messageRanges.first', String(first));
    q.append('messageRanges.last', String(last));
  }
  for (const name of filter.registeredNames) q.append('registeredNames', name);
  for (const alias of filter.aliases) q.append('aliases', alias);
  for (const alias of filter.holdAliases) q.append('holdAliases', alias);
  if (after) {
    q.set('after.offset', String(after.offset));
    q.set('after.epoch', after.epoch);
  }
  return q.toString();
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

/**
 * One subscription that keeps itself alive. Callbacks: onState({state, detail, error}), onOpen(open, resumed),
 * onEvent(event). States: connecting, live, retrying, stopped, unauthorized.
 */
export class Tail {
  constructor(api, filter, callbacks) {
    this.api = api;
    this.filter = filter;
    this.cb = callbacks;
    this.abort = null;
    this.stopped = false;
    this.attempt = 0;
    this.timer = 0;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = null;
  }

  async connect() {
    if (this.stopped) return;
    const after = loadPosition();
    this.cb.onState({ state: 'connecting', detail: after ? `resuming after offset ${after.offset}` : 'connecting' });
    const abort = new AbortController();
    this.abort = abort;
    let ended = 'the stream ended';
    try {
      const response = await fetch(`/v1/subscribe?${subscribeQuery(this.filter, after)}`, {
        headers: this.api.headers(),
        signal: abort.signal,
        cache: 'no-store',
      });
      if (!response.ok) {
        const error = await readError(response);
        if (response.status === 401 || response.status === 403) {
          this.stopped = true;
          this.cb.onState({ state: 'unauthorized', detail: error.describe(), error });
          return;
        }
        if (error.reason === 'HISTORY_EPOCH_MISMATCH' || response.status === 400) {
          // A position the broker cannot read at all (another run's epoch, or malformed): start fresh next time.
          clearPosition();
        }
        throw error;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const splitter = new JsonObjectSplitter();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of splitter.push(value)) this.dispatch(message, after);
      }
    } catch (error) {
      if (abort.signal.aborted || this.stopped) return;
      ended = error?.describe ? error.describe() : String(error?.message ?? error);
    }
    if (this.stopped) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] * (0.8 + Math.random() * 0.4);
    this.attempt++;
    this.cb.onState({ state: 'retrying', detail: `${ended}; reconnecting in ${(delay / 1000).toFixed(1)} s` });
    this.timer = setTimeout(() => this.connect(), delay);
  }

  dispatch(message, after) {
    // An error after the stream began arrives as a google.rpc.Status object in the stream.
    if (message && 'code' in message && 'message' in message && !field(message, 'position')) {
      throw Object.assign(new Error(message.message), { describe: () => `${message.message} (gRPC ${message.code})` });
    }
    const position = field(message, 'position');
    const open = field(message, 'open');
    if (open) {
      this.attempt = 0;
      this.cb.onState({ state: 'live', detail: 'live' });
      this.cb.onOpen(open, Boolean(after));
      // Open carries where the stream stands; when resuming, the saved position stays until the replay moves it.
      if (!after && position?.epoch) savePosition({ offset: String(position.offset ?? '0'), epoch: position.epoch });
      return;
    }
    if (position?.epoch && position.offset !== undefined) {
      savePosition({ offset: String(position.offset), epoch: position.epoch });
    }
    if (field(message, 'keepalive')) return;
    this.cb.onEvent(message);
  }
}
