'use strict';
// Creates the clients of one run. Every client carries the bearer-token interceptor, so that each Notifier, health
// and reflection call sends `authorization: Bearer $NB_TOKEN` when the variable is set.
const grpc = require('@grpc/grpc-js');

const GZIP = 2; // grpc-js CompressionAlgorithms: 0 identity, 1 deflate, 2 gzip

function bearerInterceptor(token) {
  return (options, nextCall) => new grpc.InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      metadata.set('authorization', `Bearer ${token}`);
      next(metadata, listener);
    },
  });
}

class Clients {
  constructor(address, token = process.env.NB_TOKEN) {
    this.address = address;
    this.interceptors = token ? [bearerInterceptor(token)] : [];
    this.open = [];
  }

  /** A client of `Service`; { gzip: true } compresses every request message with gzip. */
  create(Service, { gzip = false } = {}) {
    const options = { interceptors: this.interceptors };
    if (gzip) options['grpc.default_compression_algorithm'] = GZIP;
    const client = new Service(this.address, grpc.credentials.createInsecure(), options);
    this.open.push(client);
    return client;
  }

  closeAll() {
    this.open.forEach((client) => client.close());
    this.open = [];
  }
}

module.exports = { Clients };
