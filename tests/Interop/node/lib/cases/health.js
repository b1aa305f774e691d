'use strict';
// grpc.health.v1 Check: the broker as a whole and the Notifier service are SERVING; an unknown service is NOT_FOUND.
const grpc = require('@grpc/grpc-js');
const { unary } = require('../rpc');
const { check, expectStatus } = require('../assert');

module.exports = {
  async health({ health }) {
    for (const service of ['', 'notify.v1.Notifier']) {
      const { status } = await unary(health, 'Check', { service });
      check(status === 'SERVING', `Check(${JSON.stringify(service)}): ${status}, expected SERVING`);
    }
    await expectStatus(unary(health, 'Check', { service: 'no.such.Service' }), grpc.status.NOT_FOUND,
      'Check("no.such.Service")');
  },
};
