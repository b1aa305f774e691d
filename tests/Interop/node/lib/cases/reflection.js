'use strict';
// grpc.reflection: v1 lists the services and returns the contract's descriptor, decodable by a foreign protobuf
// library; v1alpha (the version older tools such as grpcurl still try first) at least lists them.
const descriptor = require('protobufjs/ext/descriptor');
const { Stream } = require('../rpc');
const { check } = require('../assert');

const NOTIFIER = 'notify.v1.Notifier';
const HEALTH = 'grpc.health.v1.Health';

/** Sends one request on the open reflection stream and reads its answer. */
async function ask(stream, request) {
  stream.call.write(request);
  return stream.next();
}

async function listServices(stream) {
  const response = await ask(stream, { list_services: '' });
  check(response.message_response === 'list_services_response',
    `list_services answered with ${response.message_response} ${JSON.stringify(response.error_response || '')}`);
  const services = response.list_services_response.service.map((s) => s.name);
  for (const required of [NOTIFIER, HEALTH]) {
    check(services.includes(required), `list_services lacks ${required} (got ${services.join(', ')})`);
  }
}

async function checkNotifierFile(stream) {
  const what = `file_containing_symbol(${NOTIFIER})`;
  const response = await ask(stream, { file_containing_symbol: NOTIFIER });
  check(response.message_response === 'file_descriptor_response',
    `${what}: answered with ${response.message_response} ${JSON.stringify(response.error_response || '')}`);
  const files = response.file_descriptor_response.file_descriptor_proto.map((b) => descriptor.FileDescriptorProto.decode(b));
  const file = files.find((f) => f.name === 'notify/v1/notifier.proto');
  check(file, `${what}: no notify/v1/notifier.proto among ${files.map((f) => f.name).join(', ')}`);
  const service = file.service.find((s) => s.name === 'Notifier');
  check(service, `${what}: notify/v1/notifier.proto declares no service Notifier`);
  const subscribe = service.method.find((m) => m.name === 'Subscribe');
  check(subscribe && subscribe.serverStreaming && !subscribe.clientStreaming,
    `${what}: Notifier has no server-streaming method Subscribe`);
}

async function withReflection(clients, Service, steps) {
  const stream = new Stream(clients.create(Service).ServerReflectionInfo());
  try {
    await steps(stream);
    stream.call.end();
    const status = await stream.end();
    check(status.code === 0, `the reflection stream ended with ${status.code} (${status.details}), expected OK`);
  } finally {
    stream.cancel();
  }
}

module.exports = {
  async reflection({ clients, protos }) {
    await withReflection(clients, protos.ReflectionV1, async (stream) => {
      await listServices(stream);
      await checkNotifierFile(stream);
    });
  },

  async reflection_v1alpha({ clients, protos }) {
    await withReflection(clients, protos.ReflectionV1alpha, listServices);
  },
};
