"""Opens the channels of one run. With env NB_TOKEN set, every call on them sends `authorization: Bearer <token>`:
over TLS as call credentials (grpc.access_token_call_credentials composed with the SSL channel credentials), over
h2c by an interceptor (grpcio sends call credentials only on secure channels)."""
import collections
import os

import grpc


class _CallDetails(collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")),
        grpc.ClientCallDetails):
    pass


class _BearerToken(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                   grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    def __init__(self, token):
        self._header = ("authorization", f"Bearer {token}")

    def _with_token(self, details):
        metadata = list(details.metadata or []) + [self._header]
        return _CallDetails(details.method, details.timeout, metadata, details.credentials,
                            details.wait_for_ready, details.compression)

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._with_token(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._with_token(details), request)

    def intercept_stream_unary(self, continuation, details, requests):
        return continuation(self._with_token(details), requests)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._with_token(details), requests)


def open_channel(address, gzip=False, tls_ca=None):
    """A channel to the broker: h2c, or TLS trusting the PEM certificate(s) in the file `tls_ca` (grpcio checks the
    server's name or IP against the certificate). gzip=True compresses every request message."""
    compression = grpc.Compression.Gzip if gzip else None
    token = os.environ.get("NB_TOKEN")
    if tls_ca:
        with open(tls_ca, "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        if token:
            credentials = grpc.composite_channel_credentials(credentials, grpc.access_token_call_credentials(token))
        return grpc.secure_channel(address, credentials, compression=compression)
    channel = grpc.insecure_channel(address, compression=compression)
    return grpc.intercept_channel(channel, _BearerToken(token)) if token else channel
