'use strict';
// gzip both ways (the suite starts the broker with --Grpc:ResponseCompression=gzip). grpc-js compresses every request
// of a channel with 'grpc.default_compression_algorithm' but never says whether a received message was compressed,
// so a hand-made HTTP/2 call (raw-grpc.js) also checks the per-message compressed flag of the reply.
const path = require('node:path');
const protobuf = require('protobufjs');
const { unary } = require('../rpc');
const { check } = require('../assert');
const { openStream, expectAliasMessage } = require('../events');
const { gzipUnary } = require('../raw-grpc');

function notifierTypes(repoProtos) {
  const root = new protobuf.Root();
  // The contract from protos/, the google.api HTTP annotations it imports from tests/Interop/protos.
  const interopProtos = path.resolve(__dirname, '..', '..', '..', 'protos');
  root.resolvePath = (origin, target) => {
    if (target.startsWith('notify/')) return path.join(repoProtos, target);
    if (target.startsWith('google/api/')) return path.join(interopProtos, target);
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync('notify/v1/notifier.proto', { keepCase: true });
  return {
    SendRequest: root.lookupType('notify.v1.SendRequest'),
    SendReply: root.lookupType('notify.v1.SendReply'),
    AddAliasRequest: root.lookupType('notify.v1.AddAliasRequest'),
  };
}

module.exports = {
  async gzip({ clients, protos, unique }) {
    const notifier = clients.create(protos.Notifier, { gzip: true });
    const alias = unique('gzip');
    const text = 'compressible '.repeat(40); // long enough that gzip really shrinks it
    const { stream } = await openStream(notifier, { hold_aliases: [alias] });
    try {
      const reply = await unary(notifier, 'Send', { msg_name: alias, text, from_name: 'interop-node' });
      check(reply.path === 'SEND_PATH_ALIAS' && reply.recipients >= 1,
        `gzip Send: ${JSON.stringify(reply)}, expected path SEND_PATH_ALIAS and recipients >= 1`);
      await expectAliasMessage(stream, alias, text, 'gzip Subscribe stream');

      const { SendRequest, SendReply } = notifierTypes(protos.REPO_PROTOS);
      const raw = await gzipUnary(clients, '/notify.v1.Notifier/Send',
        SendRequest.encode({ msg_name: alias, text: 'raw gzip', from_name: 'interop-node' }).finish());
      check(raw.trailers['grpc-status'] === '0',
        `raw gzip Send: grpc-status ${raw.trailers['grpc-status']} (${raw.trailers['grpc-message']})`);
      check(raw.headers['grpc-encoding'] === 'gzip', `raw gzip Send: grpc-encoding ${raw.headers['grpc-encoding']}, expected gzip`);
      check(raw.messages.length === 1 && raw.messages[0].compressed && raw.messages[0].payload,
        `raw gzip Send: ${raw.messages.length} message(s), compressed flags ${raw.messages.map((m) => m.compressed)} ` +
        `${raw.messages.map((m) => m.error || '').join(' ')}`);
      const rawReply = SendReply.toObject(SendReply.decode(raw.messages[0].payload), { enums: String, longs: Number });
      check(rawReply.path === 'SEND_PATH_ALIAS', `raw gzip Send reply ${JSON.stringify(rawReply)}`);
      await expectAliasMessage(stream, alias, 'raw gzip', 'the raw gzip Send on the stream');
    } finally {
      stream.cancel();
    }
  },

  // AddAlias and DeleteAlias answer empty messages. Compressed, an empty message must still be a valid gzip stream
  // (20 bytes): a compressed flag on a 0-byte payload is not one, and grpc-js (like grpc-java) then fails the call.
  async gzip_empty_reply({ clients, protos, unique }) {
    const { AddAliasRequest } = notifierTypes(protos.REPO_PROTOS);
    const rawAlias = unique('raw-empty');
    const raw = await gzipUnary(clients, '/notify.v1.Notifier/AddAlias', AddAliasRequest.encode({ name: rawAlias }).finish());
    check(raw.trailers['grpc-status'] === '0', `raw gzip AddAlias: grpc-status ${raw.trailers['grpc-status']}`);
    const bad = raw.messages.find((m) => m.error);
    check(!bad, `raw gzip AddAlias: the reply message (compressed flag ${bad && bad.compressed}, ${bad && bad.length} ` +
      `bytes on the wire) does not decompress: ${bad && bad.error}`);

    const notifier = clients.create(protos.Notifier, { gzip: true });
    await unary(notifier, 'DeleteAlias', { name: rawAlias });
    const alias = unique('empty');
    await unary(notifier, 'AddAlias', { name: alias });
    const { aliases } = await unary(notifier, 'ListAliases', {});
    check(aliases.some((a) => a.name.toLowerCase() === alias.toLowerCase() && a.registered),
      `ListAliases after AddAlias lacks ${alias}`);
    await unary(notifier, 'DeleteAlias', { name: alias });
  },
};
