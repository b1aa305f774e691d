'use strict';
// Failed calls carry a gRPC status plus google.rpc.ErrorInfo (domain notify.v1, the Win32/NERR name and code).
const grpc = require('@grpc/grpc-js');
const { unary } = require('../rpc');
const { expectStatus } = require('../assert');
const { checkErrorInfo } = require('../error-details');

module.exports = {
  async errors({ notifier, unique }) {
    const nobody = unique('nobody');
    let err = await expectStatus(unary(notifier, 'Send', { msg_name: nobody, text: 'anyone?' }), grpc.status.NOT_FOUND,
      `Send to ${nobody}`);
    checkErrorInfo(err, 'NERR_NameNotFound', '2273', 'Send to an alias nobody holds');

    err = await expectStatus(unary(notifier, 'Broadcast', { registered_name: unique('Bad'), flags: 0x800 }),
      grpc.status.INVALID_ARGUMENT, 'Broadcast with flags 0x800');
    checkErrorInfo(err, 'ERROR_INVALID_PARAMETER', '87', 'Broadcast with an unknown flag bit');
  },
};
