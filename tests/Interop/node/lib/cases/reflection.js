'use strict';
// grpc.reflection v1 and v1alpha from a non-.NET client (doc/server-reflection.md). One ServerReflectionInfo stream
// per version carries every query; the descriptors it returns must be loadable by protobufjs and good enough to call
// the service through them.
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');
const descriptor = require('protobufjs/ext/descriptor');
const { nextMessage, finalStatus, unary } = require('../rpc');
const { check, checkZeroPayload } = require('../assert');

const TEST_SERVICE = 'grpc.testing.TestService';
const TEST_SERVICE_METHODS = {
  EmptyCall: ['.grpc.testing.Empty', '.grpc.testing.Empty'],
  UnaryCall: ['.grpc.testing.SimpleRequest', '.grpc.testing.SimpleResponse'],
  CacheableUnaryCall: ['.grpc.testing.SimpleRequest', '.grpc.testing.SimpleResponse'],
  StreamingOutputCall: ['.grpc.testing.StreamingOutputCallRequest', '.grpc.testing.StreamingOutputCallResponse'],
  StreamingInputCall: ['.grpc.testing.StreamingInputCallRequest', '.grpc.testing.StreamingInputCallResponse'],
  FullDuplexCall: ['.grpc.testing.StreamingOutputCallRequest', '.grpc.testing.StreamingOutputCallResponse'],
  HalfDuplexCall: ['.grpc.testing.StreamingOutputCallRequest', '.grpc.testing.StreamingOutputCallResponse'],
  UnimplementedCall: ['.grpc.testing.Empty', '.grpc.testing.Empty'],
};
const NOT_FOUND = grpc.status.NOT_FOUND;

/** Sends one request on the open stream and reads its answer. */
async function ask(stream, request) {
  stream.write(request);
  return nextMessage(stream);
}

function decodeFiles(response, what) {
  check(response.message_response === 'file_descriptor_response',
    `${what}: answered with ${response.message_response} ${JSON.stringify(response.error_response || '')}`);
  const files = response.file_descriptor_response.file_descriptor_proto.map((bytes) => descriptor.FileDescriptorProto.decode(bytes));
  check(files.length > 0, `${what}: empty file_descriptor_response`);
  return files;
}

function checkTestServiceDescriptor(files) {
  const names = files.map((f) => f.name);
  for (const required of ['grpc/testing/test.proto', 'grpc/testing/messages.proto', 'grpc/testing/empty.proto']) {
    check(names.includes(required), `file_containing_symbol(${TEST_SERVICE}) lacks ${required} (got ${names.join(', ')})`);
  }
  const root = protobuf.Root.fromDescriptor(descriptor.FileDescriptorSet.create({ file: files }));
  root.resolveAll(); // throws if a transitive dependency is missing
  const service = root.lookupService(TEST_SERVICE);
  for (const [name, [requestType, responseType]] of Object.entries(TEST_SERVICE_METHODS)) {
    const method = service.methods[name];
    check(method, `reflected ${TEST_SERVICE} has no method ${name}`);
    check(method.resolvedRequestType.fullName === requestType && method.resolvedResponseType.fullName === responseType,
      `reflected ${name} is (${method.resolvedRequestType.fullName}) -> ${method.resolvedResponseType.fullName}`);
  }
  check(service.methods.StreamingOutputCall.responseStream && !service.methods.StreamingOutputCall.requestStream &&
    service.methods.FullDuplexCall.requestStream && service.methods.FullDuplexCall.responseStream,
    'reflected streaming flags are wrong');
}

/** Calls the host through a client built only from the reflected descriptors: they are complete and correct. */
async function callThroughReflectedDescriptors(ctx, files) {
  const set = descriptor.FileDescriptorSet.encode(descriptor.FileDescriptorSet.create({ file: files })).finish();
  const definition = protoLoader.loadFileDescriptorSetFromBuffer(Buffer.from(set), ctx.loaderOptions);
  const Reflected = grpc.loadPackageDefinition(definition).grpc.testing.TestService;
  const client = ctx.newClient(Reflected);
  try {
    const { response } = await unary(client, 'UnaryCall', { response_size: 1024, payload: { body: Buffer.alloc(512) } });
    checkZeroPayload(response.payload, 1024, 'UnaryCall through the reflected descriptors');
  } finally {
    client.close();
  }
}

async function reflectionCase(ctx, ServerReflection) {
  const client = ctx.newClient(ServerReflection);
  try {
    const stream = client.ServerReflectionInfo();
    const ended = finalStatus(stream);
    stream.pause();

    let response = await ask(stream, { list_services: '' });
    check(response.message_response === 'list_services_response',
      `list_services answered with ${response.message_response} ${JSON.stringify(response.error_response || '')}`);
    const services = response.list_services_response.service.map((s) => s.name);
    check(services.includes(TEST_SERVICE), `list_services lacks ${TEST_SERVICE} (got ${services.join(', ')})`);

    response = await ask(stream, { file_containing_symbol: TEST_SERVICE });
    const files = decodeFiles(response, `file_containing_symbol(${TEST_SERVICE})`);
    checkTestServiceDescriptor(files);
    await callThroughReflectedDescriptors(ctx, files);

    response = await ask(stream, { file_by_filename: 'grpc/testing/empty.proto' });
    const emptyFiles = decodeFiles(response, 'file_by_filename(grpc/testing/empty.proto)');
    const empty = emptyFiles.find((f) => f.name === 'grpc/testing/empty.proto');
    check(empty && empty.messageType.some((m) => m.name === 'Empty'),
      `file_by_filename(grpc/testing/empty.proto) returned ${emptyFiles.map((f) => f.name).join(', ')} without message Empty`);

    response = await ask(stream, { file_containing_symbol: 'no.such.Symbol' });
    check(response.message_response === 'error_response' && response.error_response.error_code === NOT_FOUND,
      `unknown symbol answered with ${response.message_response} ${JSON.stringify(response.error_response || '')}, ` +
      `expected error_response NOT_FOUND`);

    // The error must not have closed the stream.
    response = await ask(stream, { list_services: '' });
    check(response.message_response === 'list_services_response', 'stream did not answer after an error_response');

    stream.end();
    const status = await ended;
    check(status.code === grpc.status.OK, `stream ended with ${status.code} (${status.details}), expected OK`);
  } finally {
    client.close();
  }
}

module.exports = {
  reflection_v1: (ctx) => reflectionCase(ctx, ctx.services.ReflectionV1),
  reflection_v1alpha: (ctx) => reflectionCase(ctx, ctx.services.ReflectionV1alpha),
};
