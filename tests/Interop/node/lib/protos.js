'use strict';
// Loads the protos the Node client speaks: the broker's contract from protos/ at the repo root, the standard gRPC
// health and reflection services from Debian's grpc-proto package, and google.rpc (status details) and google.api
// (the HTTP annotations the contract imports) from tests/Interop/protos.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const REPO_PROTOS = path.resolve(__dirname, '..', '..', '..', '..', 'protos');
const INTEROP_PROTOS = path.resolve(__dirname, '..', '..', 'protos');
const GRPC_PROTO_ROOT = process.env.GRPC_PROTO_ROOT || '/usr/share/grpc-proto';

// keepCase: field names as in the .proto; longs as Number (offsets and wparams here stay far below 2^53).
const LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [REPO_PROTOS, GRPC_PROTO_ROOT, INTEROP_PROTOS],
};

const packages = grpc.loadPackageDefinition(protoLoader.loadSync([
  'notify/v1/notifier.proto',
  'grpc/health/v1/health.proto',
  'grpc/reflection/v1/reflection.proto',
  'grpc/reflection/v1alpha/reflection.proto',
], LOADER_OPTIONS));

// The status details are decoded by hand from a trailer, so they need protobufjs types, not a service definition.
const detailsRoot = new protobuf.Root();
detailsRoot.resolvePath = (origin, target) =>
  (target.startsWith('google/rpc/') ? path.join(INTEROP_PROTOS, target) : protobuf.util.path.resolve(origin, target));
detailsRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });

module.exports = {
  Notifier: packages.notify.v1.Notifier,
  Health: packages.grpc.health.v1.Health,
  ReflectionV1: packages.grpc.reflection.v1.ServerReflection,
  ReflectionV1alpha: packages.grpc.reflection.v1alpha.ServerReflection,
  RpcStatus: detailsRoot.lookupType('google.rpc.Status'),
  ErrorInfo: detailsRoot.lookupType('google.rpc.ErrorInfo'),
  REPO_PROTOS,
  LOADER_OPTIONS,
};
