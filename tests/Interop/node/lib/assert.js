'use strict';
// Small assertion vocabulary with messages that say what the interop spec expected.
const grpc = require('@grpc/grpc-js');

class CaseFailure extends Error {}

function check(condition, message) {
  if (!condition) throw new CaseFailure(message);
}

function statusName(code) {
  return Object.keys(grpc.status).find((k) => grpc.status[k] === code) || String(code);
}

/** Awaits a promise that must reject with the given gRPC status code; returns the error. */
async function expectStatus(promise, code, what) {
  let err = null;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  check(err !== null, `${what}: expected ${statusName(code)}, got OK`);
  check(err.code === code,
    `${what}: expected ${statusName(code)}, got ${statusName(err.code)} (${JSON.stringify(err.details)})`);
  return err;
}

function checkZeroPayload(payload, size, what) {
  check(payload != null, `${what}: response has no payload`);
  check(payload.type === 'COMPRESSABLE', `${what}: payload type ${payload.type}, expected COMPRESSABLE`);
  check(payload.body.length === size, `${what}: payload body ${payload.body.length} bytes, expected ${size}`);
  check(payload.body.every((b) => b === 0), `${what}: payload body is not all zero bytes`);
}

module.exports = { CaseFailure, check, expectStatus, checkZeroPayload, statusName };
