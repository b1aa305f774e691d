#!/usr/bin/python3
"""gRPC interop client on Debian's python3-grpcio (run with /usr/bin/python3).

Usage: /usr/bin/python3 interop_client.py --host 127.0.0.1 --port P [--cases a,b,...]
Prints "PASS <case>" / "FAIL <case>: <reason>" per case and "<passed> passed, <failed> failed"; exits 0 iff all pass.
"""
import argparse
import concurrent.futures
import os
import sys

import grpc

import stubs

# A case that hangs must fail, not stall the suite; every wait inside a case is shorter than this.
CASE_TIMEOUT_S = 30.0


class Context:
    def __init__(self, channel, generated):
        self.stubs = generated
        self.test = generated.test_grpc.TestServiceStub(channel)
        self.unimplemented = generated.test_grpc.UnimplementedServiceStub(channel)
        self.inspector = generated.inspector_grpc.CallInspectorStub(channel)


def all_cases():
    import basic_cases
    import cancellation_cases
    import compression_cases
    return {case.__name__: case
            for module in (basic_cases, cancellation_cases, compression_cases) for case in module.CASES}


def describe(err):
    if isinstance(err, grpc.RpcError) and hasattr(err, "code"):
        return f"unexpected gRPC status {err.code().name} ({err.details()!r})"
    return str(err) or type(err).__name__


def main():
    cases = all_cases()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cases", default=",".join(cases), help="comma-separated case names (default: all)")
    args = parser.parse_args()
    selected = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in selected if c not in cases]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(cases)}")

    generated = stubs.load()
    channel = grpc.insecure_channel(f"{args.host}:{args.port}")
    ctx = Context(channel, generated)
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
    channel.close()
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
