'use strict';
// Decodes the rich error model: grpc-status-details-bin holds a google.rpc.Status whose details (Any) carry a
// google.rpc.ErrorInfo.
const { RpcStatus, ErrorInfo } = require('./protos');
const { check } = require('./assert');

const ERROR_INFO_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

/** The ErrorInfo of a failed call's trailers; fails the case when there is none. */
function errorInfoOf(err, what) {
  const bin = err.metadata && err.metadata.get('grpc-status-details-bin')[0];
  check(bin, `${what}: no grpc-status-details-bin trailer`);
  const status = RpcStatus.decode(bin);
  check(status.code === err.code, `${what}: google.rpc.Status.code ${status.code} differs from the call's ${err.code}`);
  const any = status.details.find((d) => d.type_url === ERROR_INFO_URL);
  check(any, `${what}: no ${ERROR_INFO_URL} in the details (${status.details.map((d) => d.type_url).join(', ')})`);
  return ErrorInfo.toObject(ErrorInfo.decode(any.value), { defaults: true });
}

/** Checks reason, domain "notify.v1" and metadata.code of a failed call's ErrorInfo. */
function checkErrorInfo(err, reason, code, what) {
  const info = errorInfoOf(err, what);
  check(info.reason === reason && info.domain === 'notify.v1' && info.metadata.code === code,
    `${what}: ErrorInfo ${JSON.stringify(info)}, expected reason ${reason}, domain notify.v1, code ${code}`);
}

module.exports = { errorInfoOf, checkErrorInfo };
