"""Cases of a TLS run only (--tls-ca): the handshake itself (ALPN picks h2 and nothing else is offered, TLS 1.2 or
later, the certificate verifies against the run's CA), and that the TLS port refuses a client that does not trust
the certificate and a plaintext (h2c) client. Every other case of the run also goes over TLS, with the bearer token
as call credentials."""
import socket
import ssl

import grpc

from checks import CaseFailure, check, expect_status
from streams import WAIT_S


def _handshake(ctx, alpn):
    """A bare TLS handshake offering `alpn`; returns (selected ALPN protocol, TLS version); raises on failure."""
    host, port = ctx.address.rsplit(":", 1)
    context = ssl.create_default_context(cafile=ctx.tls_ca)
    context.set_alpn_protocols(alpn)
    with socket.create_connection((host, int(port)), timeout=WAIT_S) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            return tls.selected_alpn_protocol(), tls.version()


def tls_alpn_h2(ctx):
    alpn, version = _handshake(ctx, ["h2", "http/1.1"])
    check(alpn == "h2", f"ALPN chose {alpn!r}, expected 'h2'")
    check(version in ("TLSv1.2", "TLSv1.3"), f"negotiated {version}")


def tls_http1_only_refused(ctx):
    try:
        alpn, _ = _handshake(ctx, ["http/1.1"])
    except (ssl.SSLError, ConnectionError):
        return
    raise CaseFailure(f"a handshake offering only http/1.1 succeeded (ALPN {alpn!r}); the broker should offer h2 alone")


def _health_over(ctx, channel, what):
    h = ctx.stubs.health
    try:
        stub = ctx.stubs.health_grpc.HealthStub(channel)
        expect_status(lambda: stub.Check(h.HealthCheckRequest(service=""), timeout=WAIT_S),
                      grpc.StatusCode.UNAVAILABLE, what)
    finally:
        channel.close()


def tls_untrusted_refused(ctx):
    # gRPC's own root certificates: the test certificate is self-signed, so the handshake must fail.
    _health_over(ctx, grpc.secure_channel(ctx.address, grpc.ssl_channel_credentials()),
                 "health Check from a client that does not trust the certificate")


def tls_plaintext_refused(ctx):
    _health_over(ctx, grpc.insecure_channel(ctx.address), "health Check in plaintext (h2c) on the TLS port")


CASES = [tls_alpn_h2, tls_http1_only_refused, tls_untrusted_refused, tls_plaintext_refused]
