'use strict';
// Cases of a TLS run only (--tls-ca): the handshake itself (ALPN picks h2 and nothing else is offered, TLS 1.2 or
// later, the certificate verifies against the run's CA for the address dialled), and that the TLS port refuses a
// client that does not trust the certificate and a plaintext (h2c) client. Every other case of the run also goes
// over TLS, with the bearer token as call credentials.
const tls = require('node:tls');
const grpc = require('@grpc/grpc-js');
const { unary, WAIT_MS } = require('../rpc');
const { check, expectStatus } = require('../assert');

/** A bare TLS handshake offering `alpn`; resolves the connected socket's facts, rejects on a handshake failure. */
function handshake(clients, alpn) {
  const [host, port] = splitAddress(clients.address);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ca: clients.ca, ALPNProtocols: alpn, servername: 'localhost' });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no handshake within ${WAIT_MS} ms`)); }, WAIT_MS);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const facts = { alpn: socket.alpnProtocol, protocol: socket.getProtocol(), authorized: socket.authorized,
        authorizationError: socket.authorizationError };
      socket.end();
      resolve(facts);
    });
    socket.once('error', (err) => { clearTimeout(timer); socket.destroy(); reject(err); });
  });
}

function splitAddress(address) {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

module.exports = {
  async tls_alpn_h2({ clients }) {
    const facts = await handshake(clients, ['h2', 'http/1.1']);
    check(facts.authorized, `the certificate did not verify against the run's CA: ${facts.authorizationError}`);
    check(facts.alpn === 'h2', `ALPN chose ${JSON.stringify(facts.alpn)}, expected "h2"`);
    check(facts.protocol === 'TLSv1.2' || facts.protocol === 'TLSv1.3', `negotiated ${facts.protocol}`);
  },

  async tls_http1_only_refused({ clients }) {
    let failure = null;
    try {
      await handshake(clients, ['http/1.1']);
    } catch (err) {
      failure = err;
    }
    check(failure !== null, 'a handshake offering only http/1.1 succeeded; the broker should offer h2 alone');
  },

  async tls_untrusted_refused({ clients, protos }) {
    // Node's own root certificates: the test certificate is self-signed, so the handshake must fail.
    const health = clients.createWith(protos.Health, grpc.credentials.createSsl());
    await expectStatus(unary(health, 'Check', { service: '' }), grpc.status.UNAVAILABLE,
      'health Check from a client that does not trust the certificate');
  },

  async tls_plaintext_refused({ clients, protos }) {
    const health = clients.createWith(protos.Health, grpc.credentials.createInsecure());
    await expectStatus(unary(health, 'Check', { service: '' }), grpc.status.UNAVAILABLE,
      'health Check in plaintext (h2c) on the TLS port');
  },
};
