// The README's "From JavaScript (gRPC-Web)" snippet, run against the broker's HTTP/1.1 endpoint: Connect-ES v2
// (createGrpcWebTransport from @connectrpc/connect-web, on Node's fetch) with the code protoc-gen-es generated into
// gen/ (generate.sh). AddAlias, a Subscribe stream holding the alias (for await ... of), a Send to it that the stream
// receives, and a failed Send whose ConnectError has code NotFound and a readable google.rpc.ErrorInfo.
// Usage: node grpc-web.js --address http://127.0.0.1:50052 (the admin key in NB_E2E_ADMIN_KEY).
// Prints "PASS <name>" / "FAIL <name>: <why>" per check and "<passed> passed, <failed> failed" last, as the other
// clients in tests/E2E/node do.
import { createClient, Code, ConnectError } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import { Notifier } from './gen/notify/v1/notifier_pb.js';
import { ErrorInfoSchema } from './gen/google/rpc/error_details_pb.js';
import { assert, checks, run } from '../checks.js';

const WAIT_MS = 15000;
const argAt = process.argv.indexOf('--address');
const baseUrl = argAt > 0 ? process.argv[argAt + 1] : 'http://localhost:50052';
const key = process.env.NB_E2E_ADMIN_KEY;

function within(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS); }),
  ]).finally(() => clearTimeout(timer));
}

// --- the README snippet -----------------------------------------------------------------------------------------
const bearer = (next) => async (req) => {
  req.header.set('authorization', `Bearer ${key}`);
  return next(req);
};
const client = createClient(Notifier, createGrpcWebTransport({ baseUrl, interceptors: [bearer] }));
// ------------------------------------------------------------------------------------------------------------------

async function main() {
  const { check, summary } = checks();
  assert(key, 'NB_E2E_ADMIN_KEY is not set');
  const alias = `web-${process.pid}`;

  await check('AddAlias over gRPC-Web', async () => {
    await within(client.addAlias({ name: alias }), 'AddAlias');
    const { aliases } = await within(client.listAliases({}), 'ListAliases');
    assert(aliases.some((a) => a.name === alias && a.registered), JSON.stringify(aliases.map((a) => a.name)));
  });

  await check('Subscribe (server streaming over gRPC-Web) holds the alias and receives a Send to it', async () => {
    let received = null;
    // As in the README: send once the stream is open (the alias is held), abort the call at the alias message (a
    // bare break does not end the HTTP request). The timeout only bounds the wait, so that a missing event fails the
    // check instead of hanging it.
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(WAIT_MS)]);
    try {
      for await (const event of client.subscribe({ holdAliases: [alias] }, { signal })) {
        if (event.kind.case === 'open') {
          const reply = await client.send({ msgName: alias, text: 'hello from gRPC-Web' });
          assert(reply.recipients >= 1, `recipients ${reply.recipients}`);
        } else if (event.kind.case === 'aliasMessage') {
          received = event;
          abort.abort(); // ends the stream
          break;
        }
      }
    } catch (error) {
      if (!received || ConnectError.from(error).code !== Code.Canceled) throw error;
    }
    assert(received, 'the stream ended without the alias message');
    const message = received.kind.value;
    assert(message.alias === alias && message.text === 'hello from gRPC-Web', JSON.stringify(message));
    assert(typeof received.position.offset === 'bigint' && received.position.offset > 0n, 'position.offset');
  });

  await check('aborting the Subscribe call ends the stream on the broker (the alias is no longer held)', async () => {
    let holders;
    for (let i = 0; i < 50; i++) {
      const { aliases } = await within(client.listAliases({}), 'ListAliases');
      holders = aliases.find((a) => a.name === alias)?.holders;
      if (holders === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`holders ${holders} 5 s after the abort`);
  });

  await check('a Send to an unknown alias is a ConnectError NotFound with ErrorInfo NERR_NameNotFound (2273)', async () => {
    try {
      await within(client.send({ msgName: 'nobody-here', text: 'x' }), 'Send');
    } catch (error) {
      const err = ConnectError.from(error);
      assert(error instanceof ConnectError, `not a ConnectError: ${error}`);
      assert(err.code === Code.NotFound, `code ${Code[err.code]}: ${err.message}`);
      const [info] = err.findDetails(ErrorInfoSchema);
      assert(info && info.reason === 'NERR_NameNotFound' && info.domain === 'notify.v1' && info.metadata.code === '2273',
        JSON.stringify(info));
      return;
    }
    throw new Error('the call succeeded');
  });

  await check('a call without the bearer key is a ConnectError Unauthenticated with reason CREDENTIALS_MISSING', async () => {
    const anonymous = createClient(Notifier, createGrpcWebTransport({ baseUrl }));
    try {
      await within(anonymous.listAliases({}), 'ListAliases');
    } catch (error) {
      const err = ConnectError.from(error);
      assert(err.code === Code.Unauthenticated, `code ${Code[err.code]}: ${err.message}`);
      const [info] = err.findDetails(ErrorInfoSchema);
      assert(info && info.reason === 'CREDENTIALS_MISSING', JSON.stringify(info));
      return;
    }
    throw new Error('the call succeeded');
  });

  summary();
}

run('grpc-web client', main);
