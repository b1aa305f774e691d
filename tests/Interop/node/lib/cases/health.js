'use strict';
// grpc.health.v1 from a non-.NET client (doc/health-checking.md): the overall status under the empty service name,
// NOT_FOUND for an unregistered service, and Watch streaming the current status first.
const grpc = require('@grpc/grpc-js');
const { unary, nextMessage, finalStatus } = require('../rpc');
const { check, expectStatus } = require('../assert');

module.exports = {
  async health_check({ health }) {
    const { response } = await unary(health, 'Check', { service: '' });
    check(response.status === 'SERVING', `Check(''): status ${response.status}, expected SERVING`);

    await expectStatus(unary(health, 'Check', { service: 'no.such.Service' }), grpc.status.NOT_FOUND,
      "Check('no.such.Service')");

    const watch = health.Watch({ service: '' });
    const ended = finalStatus(watch);
    watch.pause();
    const first = await nextMessage(watch);
    check(first.status === 'SERVING', `Watch(''): first status ${first.status}, expected SERVING`);
    watch.cancel();
    const status = await ended;
    check(status.code === grpc.status.CANCELLED,
      `Watch(''): ended with ${status.code} (${status.details}) before the client cancelled it`);
  },
};
