'use strict';
// Creates the clients of one run. With env NB_TOKEN set every Notifier, health and reflection call sends
// `authorization: Bearer $NB_TOKEN`: over TLS as call credentials (combined with the channel's SSL credentials, as
// grpc-js intends), over h2c by an interceptor (grpc-js refuses call credentials on an insecure channel).
const fs = require('node:fs');
const http2 = require('node:http2');
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

function bearerCallCredentials(token) {
  return grpc.credentials.createFromMetadataGenerator((_params, callback) => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    callback(null, metadata);
  });
}

class Clients {
  /**
   * @param {string} address host:port
   * @param {{ token?: string, tlsCa?: string }} options tlsCa: a PEM file of the certificate(s) to trust; set, every
   *   channel is TLS (grpc-js verifies the server's name or IP against the certificate).
   */
  constructor(address, { token = process.env.NB_TOKEN, tlsCa } = {}) {
    this.address = address;
    this.token = token;
    this.ca = tlsCa ? fs.readFileSync(tlsCa) : null;
    this.tls = this.ca !== null;
    if (this.tls) {
      const ssl = grpc.credentials.createSsl(this.ca);
      this.credentials = token ? grpc.credentials.combineChannelCredentials(ssl, bearerCallCredentials(token)) : ssl;
      this.interceptors = [];
    } else {
      this.credentials = grpc.credentials.createInsecure();
      this.interceptors = token ? [bearerInterceptor(token)] : [];
    }
    this.open = [];
  }

  /** A client of `Service`; { gzip: true } compresses every request message with gzip. */
  create(Service, { gzip = false } = {}) {
    const options = { interceptors: this.interceptors };
    if (gzip) options['grpc.default_compression_algorithm'] = GZIP;
    return this.track(new Service(this.address, this.credentials, options));
  }

  /** A client of `Service` with channel credentials of the case's choosing (and no bearer token). */
  createWith(Service, credentials) {
    return this.track(new Service(this.address, credentials, {}));
  }

  /** A node:http2 session to the broker, over TLS (trusting the run's CA) when the run is TLS, else h2c. */
  connectHttp2() {
    return this.tls
      ? http2.connect(`https://${this.address}`, { ca: this.ca })
      : http2.connect(`http://${this.address}`);
  }

  track(client) {
    this.open.push(client);
    return client;
  }

  closeAll() {
    this.open.forEach((client) => client.close());
    this.open = [];
  }
}

module.exports = { Clients };
