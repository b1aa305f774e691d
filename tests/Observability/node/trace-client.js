#!/usr/bin/env node
'use strict';
// A non-.NET client that starts a trace: it sends `traceparent`/`tracestate` metadata (W3C Trace Context) with a
// Send to an alias and a Broadcast of a registered message, exactly as an OpenTelemetry-instrumented grpc-js
// application would propagate its current span. NotifyBroker.Observability.Tests runs it and checks that the
// broker's spans and the events a C# subscriber receives continue this trace.
//
// Usage: node trace-client.js --address 127.0.0.1:PORT --traceparent 00-<trace>-<span>-01 [--tracestate k=v]
//                             --alias NAME --registered-name NAME
// Prints one JSON line per reply: {"call":"Send","reply":{...}}. Exits non-zero on any failed call.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '..', '..', '..', 'protos');
const GOOGLE_API_PROTOS = path.resolve(__dirname, '..', '..', 'Interop', 'protos'); // google/api/annotations.proto, imported by the contract

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      throw new Error(`bad argument: ${argv[i]}`);
    }
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ['address', 'traceparent', 'alias', 'registered-name']) {
    if (!args[required]) {
      throw new Error(`--${required} is required`);
    }
  }
  return args;
}

function unary(client, method, request, metadata) {
  return new Promise((resolve, reject) => {
    const deadline = new Date(Date.now() + 30000);
    client[method](request, metadata, { deadline }, (error, reply) => (error ? reject(error) : resolve(reply)));
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const definition = protoLoader.loadSync('notify/v1/notifier.proto', {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [PROTO_ROOT, GOOGLE_API_PROTOS],
  });
  const notify = grpc.loadPackageDefinition(definition).notify.v1;
  const client = new notify.Notifier(args.address, grpc.credentials.createInsecure());

  // The trace context of the caller's current span, as an OpenTelemetry propagator would inject it.
  const metadata = new grpc.Metadata();
  if (args.key) {
    // The broker's identity: a bearer key, as any gRPC client sends it.
    metadata.set('authorization', `Bearer ${args.key}`);
  }
  metadata.set('traceparent', args.traceparent);
  if (args.tracestate) {
    metadata.set('tracestate', args.tracestate);
  }

  try {
    const sent = await unary(client, 'Send', { msg_name: args.alias, text: 'from grpc-js' }, metadata);
    console.log(JSON.stringify({ call: 'Send', reply: sent }));
    const broadcast = await unary(client, 'Broadcast', { registered_name: args['registered-name'], wparam: '7' }, metadata);
    console.log(JSON.stringify({ call: 'Broadcast', reply: broadcast }));
  } finally {
    client.close();
  }
}

main().catch((error) => {
  console.error(`trace-client: ${error.message}`);
  process.exit(1);
});
