#!/usr/bin/env node
'use strict';
// Foreign-client checks of the real broker's Notifier on @grpc/grpc-js (contract loaded at run time from protos/).
// Usage: node interop-client.js --host 127.0.0.1 --port P [--tls-ca cert.pem] [--cases a,b,...]
// --tls-ca: the broker serves TLS with a certificate this PEM file verifies; every case then runs over TLS, and the
// tls_* cases (the handshake and what the TLS port refuses) run too.
// Env NB_TOKEN: when set, every call sends "authorization: Bearer <token>" (over TLS, as call credentials).
// Prints "PASS <case>" / "FAIL <case>: <reason>" per case and "<passed> passed, <failed> failed"; exits 0 iff all pass.
const crypto = require('node:crypto');
const protos = require('./lib/protos');
const { Clients } = require('./lib/clients');

const CASES = {
  ...require('./lib/cases/health'),
  ...require('./lib/cases/reflection'),
  ...require('./lib/cases/messaging'),
  ...require('./lib/cases/errors'),
  ...require('./lib/cases/gzip'),
  ...require('./lib/cases/lifecycle'),
};
const TLS_CASES = require('./lib/cases/tls');
// A case that hangs must fail, not stall the suite; every wait inside a case is shorter than this.
const CASE_TIMEOUT_MS = 30000;

function parseArgs(argv) {
  const args = { host: '127.0.0.1', port: null, tlsCa: null, cases: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--host': args.host = value(); break;
      case '--port': args.port = Number(value()); break;
      case '--tls-ca': args.tlsCa = value(); break;
      case '--cases': args.cases = value().split(',').map((c) => c.trim()).filter(Boolean); break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!Number.isInteger(args.port) || args.port <= 0) throw new Error('--port P is required');
  args.known = args.tlsCa ? { ...CASES, ...TLS_CASES } : CASES;
  args.cases = args.cases || Object.keys(args.known);
  const unknown = args.cases.filter((c) => !(c in args.known));
  if (unknown.length) throw new Error(`unknown case(s): ${unknown.join(', ')}; known: ${Object.keys(args.known).join(', ')}`);
  return args;
}

function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(err) {
  if (err && typeof err.code === 'number' && 'details' in err) {
    return `unexpected gRPC status ${err.code} (${JSON.stringify(err.details)})`;
  }
  return (err && err.message) || String(err);
}

// A stray rejected promise inside a case must not kill the run (and lose the remaining cases): say so, carry on.
process.on('unhandledRejection', (reason) => {
  console.error(`unhandled rejection (ignored): ${(reason && reason.message) || reason}`);
});

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const address = `${args.host}:${args.port}`;
  const clients = new Clients(address, { tlsCa: args.tlsCa });
  // Names unique to this run, so a rerun against the same broker (or another client's leftovers) cannot interfere.
  const suffix = crypto.randomBytes(4).toString('hex');
  const ctx = {
    address,
    protos,
    clients,
    notifier: clients.create(protos.Notifier),
    health: clients.create(protos.Health),
    unique: (tag) => `interop-node-${suffix}-${tag}`,
  };

  let passed = 0;
  let failed = 0;
  for (const name of args.cases) {
    try {
      await withTimeout(args.known[name](ctx), CASE_TIMEOUT_MS);
      passed++;
      console.log(`PASS ${name}`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}: ${describe(err).replace(/\s+/g, ' ')}`);
    }
  }
  clients.closeAll();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
