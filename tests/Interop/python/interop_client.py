#!/usr/bin/python3
"""Foreign-client checks of the real broker's Notifier on Debian's python3-grpcio (run with /usr/bin/python3).

Usage: /usr/bin/python3 interop_client.py --host 127.0.0.1 --port P [--tls-ca cert.pem] [--cases a,b,...]
--tls-ca: the broker serves TLS with a certificate this PEM file verifies; every case then runs over TLS, and the
tls_* cases (the handshake and what the TLS port refuses) run too.
Env NB_TOKEN: when set, every call sends "authorization: Bearer <token>" (over TLS, as call credentials).
Prints "PASS <case>" / "FAIL <case>: <reason>" per case and "<passed> passed, <failed> failed"; exits 0 iff all pass.
"""
import argparse
import concurrent.futures
import os
import secrets
import sys

import grpc

import stubs
from channels import open_channel

# A case that hangs must fail, not stall the suite; every wait inside a case is shorter than this.
CASE_TIMEOUT_S = 30.0


class Context:
    def __init__(self, address, generated, tls_ca=None):
        self.stubs = generated
        self.address = address
        self.tls_ca = tls_ca
        self.channel = open_channel(address, tls_ca=tls_ca)
        self.gzip_channel = open_channel(address, gzip=True, tls_ca=tls_ca)
        self.notifier = generated.notifier_grpc.NotifierStub(self.channel)
        self.gzip_notifier = generated.notifier_grpc.NotifierStub(self.gzip_channel)
        self.health = generated.health_grpc.HealthStub(self.channel)
        self.reflection = generated.reflection_grpc.ServerReflectionStub(self.channel)
        # Names unique to this run, so a rerun against the same broker (or another client's leftovers) cannot interfere.
        suffix = secrets.token_hex(4)
        self.unique = lambda tag: f"interop-py-{suffix}-{tag}"

    def close(self):
        self.channel.close()
        self.gzip_channel.close()


def all_cases(tls):
    import error_cases
    import gzip_cases
    import health_cases
    import lifecycle_cases
    import messaging_cases
    import reflection_cases
    modules = (health_cases, reflection_cases, messaging_cases, error_cases, gzip_cases, lifecycle_cases)
    if tls:
        import tls_cases
        modules += (tls_cases,)
    return {case.__name__: case for module in modules for case in module.CASES}


def describe(err):
    if isinstance(err, grpc.RpcError) and hasattr(err, "code"):
        return f"unexpected gRPC status {err.code().name} ({err.details()!r})"
    return str(err) or type(err).__name__


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls-ca", default=None, help="PEM file to trust: connect over TLS")
    parser.add_argument("--cases", default=None, help="comma-separated case names (default: all)")
    args = parser.parse_args()
    cases = all_cases(tls=bool(args.tls_ca))
    selected = [c.strip() for c in (args.cases or ",".join(cases)).split(",") if c.strip()]
    unknown = [c for c in selected if c not in cases]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(cases)}")

    ctx = Context(f"{args.host}:{args.port}", stubs.load(), tls_ca=args.tls_ca)
    runner = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    passed = failed = 0
    for index, name in enumerate(selected):
        try:
            runner.submit(cases[name], ctx).result(timeout=CASE_TIMEOUT_S)
            passed += 1
            print(f"PASS {name}", flush=True)
        except concurrent.futures.TimeoutError:
            failed += 1
            print(f"FAIL {name}: case did not finish within {CASE_TIMEOUT_S:.0f} s", flush=True)
            # The hung case still holds the runner thread: report the rest as not run and leave without joining it.
            for skipped in selected[index + 1:]:
                failed += 1
                print(f"FAIL {skipped}: not run (an earlier case hung)", flush=True)
            print(f"{passed} passed, {failed} failed", flush=True)
            os._exit(1)
        except Exception as err:  # noqa: BLE001 - any failure of a case is reported, then the next case runs
            failed += 1
            print(f"FAIL {name}: {' '.join(describe(err).split())}", flush=True)
    runner.shutdown()
    ctx.close()
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
