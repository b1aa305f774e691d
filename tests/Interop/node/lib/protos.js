'use strict';
// Loads every proto the Node interop client speaks. The standard gRPC protos come from Debian's grpc-proto package
// (the same files the C# host compiles), the host's test-only CallInspector from tests/Interop/protos.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const GRPC_PROTO_ROOT = process.env.GRPC_PROTO_ROOT || '/usr/share/grpc-proto';
const INTEROP_PROTO_ROOT = path.resolve(__dirname, '..', '..', 'protos');

// keepCase: field names as in the .proto, so cases read like the interop spec; bytes stay Buffers.
const LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [GRPC_PROTO_ROOT, INTEROP_PROTO_ROOT],
};

function load(files) {
  return grpc.loadPackageDefinition(protoLoader.loadSync(files, LOADER_OPTIONS));
}

const packages = load([
  'grpc/testing/test.proto',
  'grpc/health/v1/health.proto',
  'grpc/reflection/v1/reflection.proto',
  'grpc/reflection/v1alpha/reflection.proto',
  'notifybroker/interop/call_inspector.proto',
]);

module.exports = {
  LOADER_OPTIONS,
  TestService: packages.grpc.testing.TestService,
  UnimplementedService: packages.grpc.testing.UnimplementedService,
  CallInspector: packages.notifybroker.interop.CallInspector,
  Health: packages.grpc.health.v1.Health,
  ReflectionV1: packages.grpc.reflection.v1.ServerReflection,
  ReflectionV1alpha: packages.grpc.reflection.v1alpha.ServerReflection,
};
