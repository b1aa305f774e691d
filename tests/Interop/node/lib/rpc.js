'use strict';
// Promise wrappers over grpc-js callback/stream calls, so each case reads as a straight sequence of steps.

/** Unary call; resolves { response, headers, trailers, status }, rejects with the grpc-js ServiceError. */
function unary(client, method, request, { metadata, deadline } = {}) {
  return new Promise((resolve, reject) => {
    let headers = null;
    let response = null;
    let callError = null;
    const args = [request];
    if (metadata) args.push(metadata);
    args.push(deadline ? { deadline } : {});
    const call = client[method](...args, (err, res) => {
      callError = err;
      response = res;
    });
    call.on('metadata', (md) => { headers = md; });
    call.on('status', (status) => {
      // 'status' fires after the callback: everything the call produced is known by now.
      if (callError) reject(Object.assign(callError, { headers }));
      else resolve({ response, headers, trailers: status.metadata, status });
    });
  });
}

/**
 * Collects a readable (server-streaming or bidi) call to its end.
 * Resolves { responses, headers, status } on OK, rejects with the ServiceError (error.responses = what came before).
 */
function collect(call) {
  return new Promise((resolve, reject) => {
    const responses = [];
    let headers = null;
    let error = null;
    call.on('metadata', (md) => { headers = md; });
    call.on('data', (message) => responses.push(message));
    call.on('error', (err) => { error = err; });
    call.on('status', (status) => {
      if (error || status.code !== 0) {
        reject(Object.assign(error || new Error(`status ${status.code}: ${status.details}`),
          { responses, headers, code: status.code, details: status.details, metadata: status.metadata }));
      } else {
        resolve({ responses, headers, status });
      }
    });
  });
}

/** Reads one message from a bidi/server-streaming call (rejects if the call ends first). */
function nextMessage(call, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      call.removeListener('data', onData);
      call.removeListener('error', onError);
      call.removeListener('end', onEnd);
    };
    const onData = (message) => { cleanup(); call.pause(); resolve(message); };
    const onError = (err) => { cleanup(); reject(err); };
    const onEnd = () => { cleanup(); reject(new Error('stream ended before the expected message')); };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no message within ${timeoutMs} ms`)); }, timeoutMs);
    call.on('data', onData);
    call.on('error', onError);
    call.on('end', onEnd);
    call.resume();
  });
}

/** Resolves with the final status of a call (OK or not); never rejects. */
function finalStatus(call) {
  return new Promise((resolve) => {
    call.on('error', () => { /* the status event carries the same information */ });
    call.on('status', resolve);
  });
}

module.exports = { unary, collect, nextMessage, finalStatus };
