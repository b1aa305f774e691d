#!/usr/bin/env node
// Security of the Notifier as a grpc-js client meets it, against the real broker (issue 9, test item 11): no
// credentials, a wrong key, a revoked key, JWTs (expired, wrong signer, audience or issuer, scope and scp), each
// RPC's scope, the broadcast policy (always-refused messages even for the admin key, messages outside the default
// policy, the operator's allow list), alias ownership and the per-identity alias quota, reflection and health.
// The rate limits need a broker of their own: rate-limits.js.
//
// Each check prints "PASS <name>" or "FAIL <name>: <why>"; the last line is "<passed> passed, <failed> failed".
// The broker must run as run-suite.sh starts it: --Security:AdminKey (given here in NB_E2E_ADMIN_KEY), a JWT signing
// key, issuer and audience (NB_E2E_JWT_SIGNING_KEY, NB_E2E_JWT_ISSUER, NB_E2E_JWT_AUDIENCE),
// --Broker:MaxAliasesPerIdentity=3 and --Broker:Policy:AllowAlwaysRefused:0=WM_USER+1.
//
//   NB_E2E_ADMIN_KEY=... NB_E2E_JWT_SIGNING_KEY=... NB_E2E_JWT_ISSUER=... NB_E2E_JWT_AUDIENCE=... \
//     node security.js --address 127.0.0.1:50051
'use strict';

const crypto = require('node:crypto');
const {
  grpc, notify, keys, health, reflection, WAIT_MS, parseArgs, as, mintJwt, EventStream, unary, assert, expectRefusal,
  failureOf, subscribeFailureOf, checks, run,
} = require('./common');

const { UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION } = grpc.status;

// What run-suite.sh configures on this broker.
const MAX_ALIASES_PER_IDENTITY = 3; // --Broker:MaxAliasesPerIdentity
const LIFTED_MESSAGE = 0x0401; // WM_USER+1, named by --Broker:Policy:AllowAlwaysRefused:0

const WM = {
  WM_DESTROY: 0x0002, WM_CLOSE: 0x0010, WM_QUERYENDSESSION: 0x0011, WM_QUIT: 0x0012, WM_ENDSESSION: 0x0016,
  WM_SYSCOMMAND: 0x0112, WM_USER: 0x0400, 'WM_USER+2': 0x0402, 'WM_USER+0x7BFF': 0x7FFF,
};
const WM_FONTCHANGE = 0x001D;
const WM_TIMECHANGE = 0x001E;
const WM_COPYDATA = 0x004A;
const WM_POWERBROADCAST = 0x0218;
const WM_APP = 0x8000;
const BSM_ALLDESKTOPS = 0x10;
const SC_CLOSE = 0xF060;

// One request per Notifier RPC, each harmless if it were (wrongly) performed.
const NOTIFIER_RPCS = [
  ['Send', { msg_name: 'e2e-inbox', text: 'should not arrive' }],
  ['Broadcast', { registered_name: 'NotifyBroker.E2E.Refused' }],
  ['Subscribe', { aliases: ['e2e-inbox'] }],
  ['AddAlias', { name: 'e2e-squat' }],
  ['DeleteAlias', { name: 'e2e-inbox' }],
  ['ListAliases', {}],
];

/** The error <method> fails with (a Subscribe's before its Open event), or null when it succeeds. */
function failureOfCall(client, method, request) {
  return method === 'Subscribe' ? subscribeFailureOf(client, request) : failureOf(client, method, request);
}

function env(name) {
  const value = process.env[name];
  assert(value, `${name} is not set`);
  return value;
}

async function main() {
  const { address } = parseArgs(process.argv);
  const adminKey = env('NB_E2E_ADMIN_KEY');
  const jwtSigningKey = env('NB_E2E_JWT_SIGNING_KEY');
  const issuer = env('NB_E2E_JWT_ISSUER');
  const audience = env('NB_E2E_JWT_AUDIENCE');
  const insecure = grpc.credentials.createInsecure();
  const opened = [];
  const track = (client) => { opened.push(client); return client; };
  /** A Notifier client acting as <token> (null: no credentials at all). */
  const notifierAs = (token) => track(new notify.Notifier(address, insecure, as(token)));
  const keysAs = (token) => track(new keys.Keys(address, insecure, as(token)));
  const { check, summary } = checks();

  const admin = notifierAs(adminKey);
  const adminKeys = keysAs(adminKey);
  const anonymous = notifierAs(null);
  const streams = [];
  const stream = (client, request) => { const s = new EventStream(client, request); streams.push(s); return s; };

  /** A new stored key (Keys.CreateKey with the admin key): { id, secret, info, client }. */
  const createKey = async (name, scopes) => {
    const reply = await unary(adminKeys, 'CreateKey', { name, scopes });
    assert(reply.secret && reply.key && reply.key.id, `CreateKey ${name}: ${JSON.stringify(reply)}`);
    return { id: reply.key.id, secret: reply.secret, info: reply.key, client: notifierAs(reply.secret) };
  };
  const now = () => Math.floor(Date.now() / 1000);
  /** An HS256 token from the configured issuer for the configured audience, valid for 10 minutes, plus <claims>. */
  const token = (claims, signingKey = jwtSigningKey) =>
    mintJwt({ iss: issuer, aud: audience, iat: now(), nbf: now() - 5, exp: now() + 600, jti: crypto.randomUUID(), ...claims }, signingKey);
  /** Opens a Subscribe stream and waits for its Open event. */
  const openStream = async (client, request) => {
    const s = stream(client, request);
    const open = await s.next();
    assert(open.kind === 'open', `first event is ${open.kind}`);
    return s;
  };
  /** The next non-keepalive event of <s>, checked to be an alias message with <text>. */
  const expectAliasMessage = async (s, alias, text) => {
    const event = await s.next();
    assert(event.kind === 'alias_message' && event.alias_message.text === text,
      `expected "${text}" on ${alias}, got ${JSON.stringify(event.alias_message || event.window_message || event.kind)}`);
    return event.alias_message;
  };
  const aliasesSeenBy = async (client) => (await unary(client, 'ListAliases', {})).aliases;

  // ----------------------------------------------------------------------------------------------------------------
  // Anonymous: health only.

  await check('health is SERVING without credentials', async () => {
    const client = track(new health.Health(address, insecure));
    for (const service of ['', 'notify.v1.Notifier']) {
      const reply = await unary(client, 'Check', { service });
      assert(reply.status === 'SERVING', `service "${service}": ${reply.status}`);
    }
  });

  await check('the admin key (Security:AdminKey) is a configuration key that works and cannot be revoked over the API', async () => {
    await unary(admin, 'AddAlias', { name: 'e2e-inbox' });
    const listed = await unary(adminKeys, 'ListKeys', {});
    const configured = listed.keys.find((k) => k.source === 'configuration');
    assert(configured && configured.scopes.includes('notify:admin'), `keys ${JSON.stringify(listed.keys)}`);
    assert(!JSON.stringify(listed).includes(adminKey), 'ListKeys shows the admin key itself');
    expectRefusal('RevokeKey of the configuration key', await failureOf(adminKeys, 'RevokeKey', { id: configured.id }), FAILED_PRECONDITION,
      'KEY_FROM_CONFIGURATION');
  });

  for (const [method, request] of NOTIFIER_RPCS) {
    await check(`no credentials: ${method} is UNAUTHENTICATED with ErrorInfo CREDENTIALS_MISSING`, async () => {
      expectRefusal(method, await failureOfCall(anonymous, method, request), UNAUTHENTICATED, 'CREDENTIALS_MISSING');
    });
  }

  await check('no credentials changed nothing: no alias was added, none deleted', async () => {
    const names = (await aliasesSeenBy(admin)).map((a) => a.name);
    assert(!names.includes('e2e-squat'), 'the anonymous AddAlias registered e2e-squat');
    assert(names.includes('e2e-inbox'), 'the anonymous DeleteAlias removed e2e-inbox');
  });

  await check('no credentials: Keys.CreateKey, ListKeys and RevokeKey are UNAUTHENTICATED with CREDENTIALS_MISSING', async () => {
    const anonymousKeys = keysAs(null);
    for (const [method, request] of [['CreateKey', { name: 'e2e-stolen', scopes: ['notify:admin'] }], ['ListKeys', {}], ['RevokeKey', { id: 'admin' }]]) {
      expectRefusal(`Keys.${method}`, await failureOf(anonymousKeys, method, request), UNAUTHENTICATED, 'CREDENTIALS_MISSING');
    }
  });

  await check('reflection needs an identity: UNAUTHENTICATED without one, the services listed with the admin key', async () => {
    const list = (client) => new Promise((resolve, reject) => {
      const call = client.ServerReflectionInfo({ deadline: Date.now() + WAIT_MS });
      call.on('data', (reply) => { resolve(reply); call.end(); });
      call.on('error', reject);
      call.write({ list_services: '' });
    });
    let refused = null;
    try {
      await list(track(new reflection.ServerReflection(address, insecure)));
    } catch (error) {
      refused = error;
    }
    expectRefusal('anonymous reflection', refused, UNAUTHENTICATED, 'CREDENTIALS_MISSING');
    const reply = await list(track(new reflection.ServerReflection(address, insecure, as(adminKey))));
    const services = (reply.list_services_response ? reply.list_services_response.service : []).map((s) => s.name);
    for (const service of ['notify.v1.Notifier', 'notify.v1.Keys']) {
      assert(services.includes(service), `services ${JSON.stringify(services)}`);
    }
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Keys: wrong, revoked, missing scopes.

  await check('a wrong key is UNAUTHENTICATED with CREDENTIALS_INVALID on every Notifier RPC', async () => {
    const flipped = adminKey.slice(0, -1) + (adminKey.endsWith('A') ? 'B' : 'A');
    for (const wrong of [flipped, `nbk_${crypto.randomBytes(6).toString('hex')}_${crypto.randomBytes(24).toString('base64url')}`, 'not-a-key']) {
      const client = notifierAs(wrong);
      for (const [method, request] of NOTIFIER_RPCS) {
        expectRefusal(`${method} with a wrong key`, await failureOfCall(client, method, request), UNAUTHENTICATED, 'CREDENTIALS_INVALID');
      }
    }
  });

  await check('a revoked key (Keys.CreateKey, then Keys.RevokeKey) is UNAUTHENTICATED with CREDENTIALS_INVALID from its next call', async () => {
    const key = await createKey('e2e-revoked', ['notify:aliases', 'notify:subscribe']);
    assert(key.info.source === 'store' && key.info.name === 'e2e-revoked', `KeyInfo ${JSON.stringify(key.info)}`);
    await unary(key.client, 'ListAliases', {});
    let listed = await unary(adminKeys, 'ListKeys', {});
    const info = listed.keys.find((k) => k.id === key.id);
    assert(info && info.scopes.join(' ') === 'notify:aliases notify:subscribe', `ListKeys ${JSON.stringify(listed.keys)}`);
    assert(!JSON.stringify(listed).includes(key.secret), 'ListKeys shows the secret');

    await unary(adminKeys, 'RevokeKey', { id: key.id });
    for (const [method, request] of [['ListAliases', {}], ['AddAlias', { name: 'e2e-after-revoke' }], ['Subscribe', { message_ids: [0xC000] }]]) {
      expectRefusal(`${method} after revocation`, await failureOfCall(key.client, method, request), UNAUTHENTICATED, 'CREDENTIALS_INVALID');
    }
    listed = await unary(adminKeys, 'ListKeys', {});
    assert(!listed.keys.some((k) => k.id === key.id), 'ListKeys still lists the revoked key');
  });

  await check('Keys needs notify:admin: another key gets PERMISSION_DENIED / SCOPE_REQUIRED scope=notify:admin and mints nothing', async () => {
    const key = await createKey('e2e-not-admin', ['notify:send', 'notify:broadcast', 'notify:subscribe', 'notify:aliases', 'notify:from_name']);
    const client = keysAs(key.secret);
    for (const [method, request] of [['CreateKey', { name: 'e2e-escalated', scopes: ['notify:admin'] }], ['ListKeys', {}], ['RevokeKey', { id: key.id }]]) {
      expectRefusal(`Keys.${method}`, await failureOf(client, method, request), PERMISSION_DENIED, 'SCOPE_REQUIRED', { scope: 'notify:admin' });
    }
    const listed = await unary(adminKeys, 'ListKeys', {});
    assert(!listed.keys.some((k) => k.name === 'e2e-escalated'), 'a key was created');
  });

  await check('a send-only key can Send, and Broadcast is PERMISSION_DENIED / SCOPE_REQUIRED scope=notify:broadcast', async () => {
    const sender = await createKey('e2e-send-only', ['notify:send']);
    const reply = await unary(sender.client, 'Send', { msg_name: 'e2e-inbox', text: 'send-only' });
    assert(reply.path === 'SEND_PATH_ALIAS', `Send: ${JSON.stringify(reply)}`);
    for (const request of [{ registered_name: 'NotifyBroker.E2E.SendOnly' }, { message_id: WM_APP + 1 }, { message_id: WM.WM_ENDSESSION, wparam: '1' }]) {
      expectRefusal(`Broadcast ${JSON.stringify(request)}`, await failureOf(sender.client, 'Broadcast', request), PERMISSION_DENIED, 'SCOPE_REQUIRED',
        { scope: 'notify:broadcast' });
    }
  });

  await check('a send-only key gets SCOPE_REQUIRED naming the scope on AddAlias, DeleteAlias, ListAliases and Subscribe', async () => {
    const sender = await createKey('e2e-send-only-2', ['notify:send']);
    for (const [method, request, scope] of [
      ['AddAlias', { name: 'e2e-send-only' }, 'notify:aliases'],
      ['DeleteAlias', { name: 'e2e-inbox' }, 'notify:aliases'],
      ['ListAliases', {}, 'notify:aliases'],
      ['Subscribe', { aliases: ['e2e-send-only'] }, 'notify:subscribe or notify:aliases'],
    ]) {
      expectRefusal(method, await failureOfCall(sender.client, method, request), PERMISSION_DENIED, 'SCOPE_REQUIRED', { scope });
    }
  });

  await check('from_name is the key\'s own name; naming another sender is PERMISSION_DENIED scope=notify:from_name without that scope', async () => {
    const watcher = await openStream(admin, { aliases: ['e2e-inbox'] });
    const sender = await createKey('e2e-sender', ['notify:send']);
    await unary(sender.client, 'Send', { msg_name: 'e2e-inbox', text: 'as myself' });
    let message = await expectAliasMessage(watcher, 'e2e-inbox', 'as myself');
    assert(message.from_name === 'e2e-sender', `from_name ${message.from_name}`);
    const error = await failureOf(sender.client, 'Send', { msg_name: 'e2e-inbox', text: 'forged', from_name: 'the-boss' });
    expectRefusal('Send with another from_name', error, PERMISSION_DENIED, 'ERROR_ACCESS_DENIED', { scope: 'notify:from_name' });

    const named = await createKey('e2e-named-sender', ['notify:send', 'notify:from_name']);
    await unary(named.client, 'Send', { msg_name: 'e2e-inbox', text: 'named', from_name: 'the-boss' });
    message = await expectAliasMessage(watcher, 'e2e-inbox', 'named');
    assert(message.from_name === 'the-boss', `from_name ${message.from_name}`);
    watcher.cancel();
  });

  // ----------------------------------------------------------------------------------------------------------------
  // JWT bearer tokens (HS256, the configured issuer and audience).

  await check('a valid JWT with scope "notify:send" can Send (as its subject); Broadcast is PERMISSION_DENIED / SCOPE_REQUIRED scope=notify:broadcast', async () => {
    const watcher = await openStream(admin, { aliases: ['e2e-inbox'] });
    const client = notifierAs(token({ sub: 'e2e-robot', scope: 'notify:send' }));
    const reply = await unary(client, 'Send', { msg_name: 'e2e-inbox', text: 'from a token' });
    assert(reply.path === 'SEND_PATH_ALIAS' && reply.recipients === 1, `Send: ${JSON.stringify(reply)}`);
    const message = await expectAliasMessage(watcher, 'e2e-inbox', 'from a token');
    assert(message.from_name === 'e2e-robot', `from_name ${message.from_name}`);
    expectRefusal('Broadcast', await failureOf(client, 'Broadcast', { registered_name: 'NotifyBroker.E2E.Jwt' }), PERMISSION_DENIED,
      'SCOPE_REQUIRED', { scope: 'notify:broadcast' });
    expectRefusal('ListAliases', await failureOf(client, 'ListAliases', {}), PERMISSION_DENIED, 'SCOPE_REQUIRED', { scope: 'notify:aliases' });
    watcher.cancel();
  });

  await check('JWT scopes also come from "scp", and the caller id is iss|sub: a later token of the same subject owns what the first added', async () => {
    const first = notifierAs(token({ sub: 'e2e-scp', scp: 'notify:aliases notify:subscribe' }));
    await unary(first, 'AddAlias', { name: 'e2e-jwt-alias' });
    const alias = (await aliasesSeenBy(admin)).find((a) => a.name === 'e2e-jwt-alias');
    assert(alias && alias.owner.includes(issuer) && alias.owner.endsWith('|e2e-scp'), `owner ${alias && alias.owner}`);
    const mine = await aliasesSeenBy(first);
    assert(mine.length === 1 && mine[0].name === 'e2e-jwt-alias', `the token lists ${JSON.stringify(mine.map((a) => a.name))}`);
    const later = notifierAs(token({ sub: 'e2e-scp', scp: 'notify:aliases' }));
    await unary(later, 'DeleteAlias', { name: 'e2e-jwt-alias' });
    const other = notifierAs(token({ sub: 'e2e-other-subject', scp: 'notify:aliases' }));
    await unary(first, 'AddAlias', { name: 'e2e-jwt-alias' });
    expectRefusal('DeleteAlias by another subject', await failureOf(other, 'DeleteAlias', { name: 'e2e-jwt-alias' }), PERMISSION_DENIED,
      'ERROR_ACCESS_DENIED', { rule: 'alias_owner' });
  });

  await check('an expired JWT is UNAUTHENTICATED with CREDENTIALS_INVALID', async () => {
    const expired = token({ sub: 'e2e-robot', scope: 'notify:send notify:aliases', iat: now() - 1200, nbf: now() - 1200, exp: now() - 600 });
    const client = notifierAs(expired);
    for (const [method, request] of NOTIFIER_RPCS) {
      expectRefusal(`${method} with an expired JWT`, await failureOfCall(client, method, request), UNAUTHENTICATED, 'CREDENTIALS_INVALID');
    }
  });

  await check('a JWT from another signing key, for another audience or issuer, or unsigned (alg none) is UNAUTHENTICATED with CREDENTIALS_INVALID', async () => {
    const claims = { sub: 'e2e-robot', scope: 'notify:send notify:aliases' };
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tokens = {
      'another signing key': token(claims, crypto.randomBytes(32).toString('base64')),
      'another audience': token({ ...claims, aud: `${audience}-elsewhere` }),
      'another issuer': token({ ...claims, iss: `${issuer}-elsewhere` }),
      'alg none': `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: issuer, aud: audience, exp: now() + 600, ...claims })}.`,
      'a tampered payload': (() => {
        const [head, , signature] = token(claims).split('.');
        return `${head}.${part({ iss: issuer, aud: audience, exp: now() + 600, sub: 'e2e-robot', scope: 'notify:admin' })}.${signature}`;
      })(),
    };
    for (const [what, jwt] of Object.entries(tokens)) {
      const client = notifierAs(jwt);
      expectRefusal(`ListAliases with ${what}`, await failureOf(client, 'ListAliases', {}), UNAUTHENTICATED, 'CREDENTIALS_INVALID');
      expectRefusal(`Subscribe with ${what}`, await subscribeFailureOf(client, {}), UNAUTHENTICATED, 'CREDENTIALS_INVALID');
    }
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Aliases have owners.

  const aliceScopes = ['notify:send', 'notify:subscribe', 'notify:aliases'];
  let alice = null;
  let bob = null;
  await check('an identity\'s own alias: it may add, hold, filter and list it', async () => {
    alice = await createKey('e2e-alice', aliceScopes);
    bob = await createKey('e2e-bob', aliceScopes);
    await unary(alice.client, 'AddAlias', { name: 'alice-inbox' });
    const held = await openStream(alice.client, { hold_aliases: ['alice-held'], aliases: ['alice-inbox'] });
    const names = (await aliasesSeenBy(alice.client)).map((a) => a.name).sort();
    assert(JSON.stringify(names) === JSON.stringify(['alice-held', 'alice-inbox']), `alice lists ${JSON.stringify(names)}`);
    held.cancel();
  });

  await check('another identity\'s alias: DeleteAlias is PERMISSION_DENIED / ERROR_ACCESS_DENIED rule=alias_owner, and the alias stays', async () => {
    const error = await failureOf(bob.client, 'DeleteAlias', { name: 'alice-inbox' });
    expectRefusal('DeleteAlias', error, PERMISSION_DENIED, 'ERROR_ACCESS_DENIED', { rule: 'alias_owner', alias: 'alice-inbox' });
    const names = (await aliasesSeenBy(alice.client)).map((a) => a.name);
    assert(names.includes('alice-inbox'), 'alice-inbox is gone');
    // Case-insensitive names are the same alias.
    expectRefusal('DeleteAlias ALICE-INBOX', await failureOf(bob.client, 'DeleteAlias', { name: 'ALICE-INBOX' }), PERMISSION_DENIED,
      'ERROR_ACCESS_DENIED', { rule: 'alias_owner' });
  });

  await check('another identity\'s alias: holding it (hold_aliases) is PERMISSION_DENIED rule=alias_owner', async () => {
    for (const name of ['alice-inbox', 'Alice-Inbox']) {
      expectRefusal(`hold ${name}`, await subscribeFailureOf(bob.client, { hold_aliases: [name] }), PERMISSION_DENIED,
        'ERROR_ACCESS_DENIED', { rule: 'alias_owner' });
    }
    // All or nothing: a refused hold leaves no lease on bob's own name either.
    expectRefusal('hold bob-own + alice-inbox', await subscribeFailureOf(bob.client, { hold_aliases: ['bob-own', 'alice-inbox'] }),
      PERMISSION_DENIED, 'ERROR_ACCESS_DENIED', { rule: 'alias_owner' });
    const bobs = await aliasesSeenBy(bob.client);
    assert(bobs.length === 0, `bob owns ${JSON.stringify(bobs)}`);
  });

  await check('another identity\'s alias: filtering on it (aliases) is PERMISSION_DENIED rule=alias_owner', async () => {
    expectRefusal('filter alice-inbox', await subscribeFailureOf(bob.client, { aliases: ['alice-inbox'] }), PERMISSION_DENIED,
      'ERROR_ACCESS_DENIED', { rule: 'alias_owner', alias: 'alice-inbox' });
    expectRefusal('filter e2e-inbox (the admin\'s)', await subscribeFailureOf(bob.client, { aliases: ['e2e-inbox'] }), PERMISSION_DENIED,
      'ERROR_ACCESS_DENIED', { rule: 'alias_owner' });
  });

  await check('ListAliases shows a non-admin only its own aliases; the admin sees everyone\'s with their owners', async () => {
    await unary(bob.client, 'AddAlias', { name: 'bob-inbox' });
    const bobs = (await aliasesSeenBy(bob.client)).map((a) => a.name);
    assert(JSON.stringify(bobs) === JSON.stringify(['bob-inbox']), `bob lists ${JSON.stringify(bobs)}`);
    const all = await aliasesSeenBy(admin);
    const owner = (name) => (all.find((a) => a.name === name) || {}).owner;
    assert(owner('alice-inbox') === `key:${alice.id}` && owner('bob-inbox') === `key:${bob.id}`,
      `owners alice-inbox=${owner('alice-inbox')} bob-inbox=${owner('bob-inbox')}`);
    assert(owner('e2e-inbox') && owner('e2e-inbox') !== owner('alice-inbox'), `e2e-inbox owner ${owner('e2e-inbox')}`);
  });

  await check('alias messages reach only the owner\'s subscriptions and the admin\'s, never another identity\'s unfiltered stream', async () => {
    const alices = await openStream(alice.client, { aliases: ['alice-inbox'] });
    const admins = await openStream(admin, { aliases: ['alice-inbox'] });
    const bobs = await openStream(bob.client, {}); // no filter: everything bob may see
    const reply = await unary(admin, 'Send', { msg_name: 'alice-inbox', text: 'for alice' });
    assert(reply.recipients === 2, `recipients ${reply.recipients} (alice's and the admin's streams)`);
    await expectAliasMessage(alices, 'alice-inbox', 'for alice');
    await expectAliasMessage(admins, 'alice-inbox', 'for alice');
    // Bob's next event must be this marker: the alias message before it was not his to see.
    await unary(admin, 'Broadcast', { registered_name: 'NotifyBroker.E2E.Marker' });
    const next = await bobs.next();
    assert(next.kind === 'window_message' && next.window_message.registered_name === 'NotifyBroker.E2E.Marker',
      `bob's stream got ${JSON.stringify(next.alias_message || next.window_message || next.kind)}`);
    // Bob's own alias does reach him.
    await unary(alice.client, 'Send', { msg_name: 'bob-inbox', text: 'for bob' });
    await expectAliasMessage(bobs, 'bob-inbox', 'for bob');
    for (const s of [alices, admins, bobs]) s.cancel();
  });

  await check('a key with notify:aliases but not notify:subscribe: window-message filters are PERMISSION_DENIED scope=notify:subscribe; its stream sees only its aliases', async () => {
    const dave = await createKey('e2e-dave', ['notify:aliases']);
    for (const request of [{ message_ids: [0xC123] }, { message_ranges: [{ first: 0xC000, last: 0xFFFF }] }, { registered_names: ['NotifyBroker.E2E.Marker'] }]) {
      expectRefusal(`Subscribe ${JSON.stringify(request)}`, await subscribeFailureOf(dave.client, request), PERMISSION_DENIED,
        'ERROR_ACCESS_DENIED', { scope: 'notify:subscribe' });
    }
    const daves = await openStream(dave.client, { hold_aliases: ['dave-held'] });
    const everything = await openStream(dave.client, {});
    await unary(admin, 'Broadcast', { registered_name: 'NotifyBroker.E2E.Marker' });
    await unary(admin, 'Send', { msg_name: 'dave-held', text: 'for dave' });
    await expectAliasMessage(daves, 'dave-held', 'for dave');
    await expectAliasMessage(everything, 'dave-held', 'for dave'); // the broadcast before it was left out
    daves.cancel();
    everything.cancel();
  });

  await check(`each identity owns at most ${MAX_ALIASES_PER_IDENTITY} aliases: one more is RESOURCE_EXHAUSTED / ERROR_NOT_ENOUGH_QUOTA; the admin is not bounded`, async () => {
    const carol = await createKey('e2e-carol', ['notify:aliases']);
    for (let i = 1; i <= MAX_ALIASES_PER_IDENTITY; i++) await unary(carol.client, 'AddAlias', { name: `carol-${i}` });
    const over = `carol-${MAX_ALIASES_PER_IDENTITY + 1}`;
    expectRefusal('AddAlias over the quota', await failureOf(carol.client, 'AddAlias', { name: over }), RESOURCE_EXHAUSTED,
      'ERROR_NOT_ENOUGH_QUOTA', { limit: 'aliases_per_identity' });
    expectRefusal('hold over the quota', await subscribeFailureOf(carol.client, { hold_aliases: [over] }), RESOURCE_EXHAUSTED,
      'ERROR_NOT_ENOUGH_QUOTA', { limit: 'aliases_per_identity' });
    await unary(carol.client, 'DeleteAlias', { name: 'carol-1' });
    await unary(carol.client, 'AddAlias', { name: over });
    for (let i = 1; i <= MAX_ALIASES_PER_IDENTITY + 1; i++) await unary(admin, 'AddAlias', { name: `e2e-admin-${i}` });
  });

  await check('the owner and an admin may delete an alias', async () => {
    await unary(alice.client, 'AddAlias', { name: 'alice-spare' });
    await unary(admin, 'DeleteAlias', { name: 'alice-spare' });
    await unary(alice.client, 'DeleteAlias', { name: 'alice-inbox' });
    const names = (await aliasesSeenBy(admin)).map((a) => a.name);
    assert(!names.includes('alice-spare') && !names.includes('alice-inbox'), `still listed: ${JSON.stringify(names)}`);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // The broadcast policy. Last: if a refusal failed, the message was really broadcast.

  const broadcaster = await createKey('e2e-broadcaster', ['notify:broadcast']).catch(() => null);
  const refusedFor = async (who, client, messageId) => {
    const error = await failureOf(client, 'Broadcast', { message_id: messageId, wparam: messageId === WM.WM_SYSCOMMAND ? String(SC_CLOSE) : '1' });
    return expectRefusal(`${who} Broadcast 0x${messageId.toString(16)}`, error, PERMISSION_DENIED, 'ERROR_ACCESS_DENIED', { rule: 'always_refused' });
  };

  await check('the default policy lets a notify:broadcast key broadcast a registered message, WM_APP+n, WM_COPYDATA, WM_FONTCHANGE and WM_TIMECHANGE', async () => {
    assert(broadcaster, 'could not create the broadcast key');
    for (const request of [
      { registered_name: 'NotifyBroker.E2E.Policy' },
      { message_id: WM_APP + 0x10 },
      { message_id: WM_COPYDATA, payload: { copy_data: { data: '1', bytes: Buffer.from('hi') } } },
      { message_id: WM_FONTCHANGE },
      { message_id: WM_TIMECHANGE },
    ]) {
      const reply = await unary(broadcaster.client, 'Broadcast', request);
      assert(reply.result > 0, `${JSON.stringify(request)}: result ${reply.result}`);
    }
  });

  await check('WM_ENDSESSION (0x16) is refused even for the admin key: PERMISSION_DENIED / ERROR_ACCESS_DENIED rule=always_refused', async () => {
    const { info } = await refusedFor('admin', admin, WM.WM_ENDSESSION);
    assert(info.metadata.message_id === '0x0016', `metadata ${JSON.stringify(info.metadata)}`);
  });

  await check('WM_CLOSE (0x10) is refused even for the admin key: PERMISSION_DENIED / ERROR_ACCESS_DENIED rule=always_refused', async () => {
    await refusedFor('admin', admin, WM.WM_CLOSE);
  });

  await check('WM_DESTROY, WM_QUIT, WM_QUERYENDSESSION, WM_SYSCOMMAND and WM_USER+n are refused for the admin key and a broadcast key (rule always_refused)', async () => {
    assert(broadcaster, 'could not create the broadcast key');
    for (const [name, id] of Object.entries(WM)) {
      await refusedFor(`admin (${name})`, admin, id);
      await refusedFor(`broadcast key (${name})`, broadcaster.client, id);
    }
  });

  await check('a message outside the default policy (WM_POWERBROADCAST) is PERMISSION_DENIED rule=not_allowed for a broadcast key; the admin may broadcast it', async () => {
    assert(broadcaster, 'could not create the broadcast key');
    const error = await failureOf(broadcaster.client, 'Broadcast', { message_id: WM_POWERBROADCAST, wparam: '4' });
    expectRefusal('broadcast key', error, PERMISSION_DENIED, 'ERROR_ACCESS_DENIED', { rule: 'not_allowed' });
    const reply = await unary(admin, 'Broadcast', { message_id: WM_POWERBROADCAST, wparam: '10' });
    assert(reply.result > 0 && reply.message_id === WM_POWERBROADCAST, `admin: ${JSON.stringify(reply)}`);
  });

  await check('an always-refused message the operator lifts (AllowAlwaysRefused WM_USER+1) reaches the admin\'s subscribers; a broadcast key gets rule not_allowed', async () => {
    assert(broadcaster, 'could not create the broadcast key');
    const watcher = await openStream(admin, { message_ids: [LIFTED_MESSAGE] });
    const reply = await unary(admin, 'Broadcast', { message_id: LIFTED_MESSAGE, wparam: '3' });
    assert(reply.result > 0, `admin: ${JSON.stringify(reply)}`);
    const event = await watcher.next();
    assert(event.kind === 'window_message' && event.window_message.id === LIFTED_MESSAGE, `got ${JSON.stringify(event)}`);
    const error = await failureOf(broadcaster.client, 'Broadcast', { message_id: LIFTED_MESSAGE });
    expectRefusal('broadcast key', error, PERMISSION_DENIED, 'ERROR_ACCESS_DENIED', { rule: 'not_allowed' });
    watcher.cancel();
  });

  await check('BSM_ALLDESKTOPS needs notify:admin: PERMISSION_DENIED scope=notify:admin for a broadcast key', async () => {
    assert(broadcaster, 'could not create the broadcast key');
    const error = await failureOf(broadcaster.client, 'Broadcast', { registered_name: 'NotifyBroker.E2E.Policy', recipients: BSM_ALLDESKTOPS });
    expectRefusal('broadcast key', error, PERMISSION_DENIED, 'ERROR_ACCESS_DENIED', { scope: 'notify:admin' });
  });

  await check('after the refused broadcasts the broker is still SERVING and still delivers broadcasts', async () => {
    const reply = await unary(track(new health.Health(address, insecure)), 'Check', { service: 'notify.v1.Notifier' });
    assert(reply.status === 'SERVING', `health ${reply.status}`);
    const watcher = await openStream(admin, { registered_names: ['NotifyBroker.E2E.After'] });
    await unary(admin, 'Broadcast', { registered_name: 'NotifyBroker.E2E.After', wparam: '42' });
    const event = await watcher.next();
    assert(event.kind === 'window_message' && event.window_message.wparam === '42', `got ${JSON.stringify(event)}`);
    watcher.cancel();
  });

  for (const s of streams) s.cancel();
  for (const client of opened) client.close();
  summary();
}

run('security', main);
