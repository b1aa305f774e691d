'use strict';
// Small assertion vocabulary whose messages say what was expected.
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

module.exports = { CaseFailure, check, expectStatus, statusName };
