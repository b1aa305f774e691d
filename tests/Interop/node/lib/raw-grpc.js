'use strict';
// One unary gRPC call made by hand over node:http2, because grpc-js hides the per-message compressed flag: this
// shows what really crossed the wire (the flag byte of each length-prefixed message and the grpc-encoding header).
const zlib = require('node:zlib');
const { WAIT_MS } = require('./rpc');

/** Frames one message: flag byte (1 = compressed), 4-byte big-endian length, payload. */
function frame(bytes, gzip) {
  const payload = gzip ? zlib.gzipSync(bytes) : Buffer.from(bytes);
  const header = Buffer.alloc(5);
  header.writeUInt8(gzip ? 1 : 0, 0);
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/**
 * Splits a response body into its messages: [{ compressed, length (on the wire), payload (decompressed), error }].
 * A payload that does not decompress gets `error` instead of `payload`, so a case can say what was wrong with it.
 */
function unframe(body, encoding) {
  const messages = [];
  for (let at = 0; at + 5 <= body.length;) {
    const compressed = body.readUInt8(at) === 1;
    const length = body.readUInt32BE(at + 1);
    const raw = body.subarray(at + 5, at + 5 + length);
    const message = { compressed, length };
    try {
      if (compressed && encoding !== 'gzip') throw new Error(`compressed message under grpc-encoding ${encoding}`);
      message.payload = compressed ? zlib.gunzipSync(raw) : raw;
    } catch (err) {
      message.error = err.message;
    }
    messages.push(message);
    at += 5 + length;
  }
  return messages;
}

/**
 * Calls `path` with one gzip-compressed request message, over the run's transport (`clients`: h2c, or TLS trusting
 * the run's CA) with its bearer token. Resolves { headers, trailers, messages }; rejects on a transport error or when
 * the call does not finish within WAIT_MS.
 */
function gzipUnary(clients, path, requestBytes) {
  const { token } = clients;
  return new Promise((resolve, reject) => {
    const session = clients.connectHttp2();
    const timer = setTimeout(() => { session.destroy(); reject(new Error(`raw call did not finish within ${WAIT_MS} ms`)); }, WAIT_MS);
    const fail = (err) => { clearTimeout(timer); session.destroy(); reject(err); };
    session.on('error', fail);
    const headers = {
      ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers',
      'grpc-encoding': 'gzip', 'grpc-accept-encoding': 'gzip',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const stream = session.request(headers);
    let responseHeaders = {};
    let trailers = {};
    const chunks = [];
    stream.on('response', (h) => { responseHeaders = h; });
    stream.on('trailers', (t) => { trailers = t; });
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('error', fail);
    stream.on('end', () => {
      clearTimeout(timer);
      session.close();
      // A trailers-only answer carries grpc-status in the headers.
      const end = trailers['grpc-status'] !== undefined ? trailers : responseHeaders;
      resolve({ headers: responseHeaders, trailers: end, messages: unframe(Buffer.concat(chunks), responseHeaders['grpc-encoding']) });
    });
    stream.end(frame(requestBytes, true));
  });
}

module.exports = { gzipUnary };
