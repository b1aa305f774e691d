"""Generates the Python stubs with protoc + grpc_python_plugin (Debian packages) and makes them importable.

The standard test protos come from Debian's grpc-proto package, CallInspector from tests/Interop/protos. Nothing
generated is committed: generated/ is rebuilt on every run, so it always matches the protos on the machine.
"""
import importlib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATED = os.path.join(HERE, "generated")
GRPC_PROTO_ROOT = os.environ.get("GRPC_PROTO_ROOT", "/usr/share/grpc-proto")
INTEROP_PROTO_ROOT = os.path.normpath(os.path.join(HERE, "..", "protos"))
PROTOS = [
    "grpc/testing/empty.proto",
    "grpc/testing/messages.proto",
    "grpc/testing/test.proto",
    "notifybroker/interop/call_inspector.proto",
]


def _generate():
    shutil.rmtree(GENERATED, ignore_errors=True)
    os.makedirs(GENERATED)
    plugin = shutil.which("grpc_python_plugin") or "/usr/bin/grpc_python_plugin"
    subprocess.run(
        ["protoc", f"-I{GRPC_PROTO_ROOT}", f"-I{INTEROP_PROTO_ROOT}",
         f"--python_out={GENERATED}", f"--grpc_python_out={GENERATED}",
         f"--plugin=protoc-gen-grpc_python={plugin}", *PROTOS],
        check=True)


def load():
    """Returns a namespace with the generated modules: messages, empty, test_grpc, inspector, inspector_grpc."""
    _generate()
    sys.path.insert(0, GENERATED)
    # The test protos live in proto package path grpc/testing/, so protoc emits modules grpc.testing.*; grpc.testing
    # is not part of grpcio, so we extend the installed grpc package's search path with the generated grpc/ folder.
    import grpc
    grpc.__path__.append(os.path.join(GENERATED, "grpc"))

    class Stubs:
        messages = importlib.import_module("grpc.testing.messages_pb2")
        empty = importlib.import_module("grpc.testing.empty_pb2")
        test_grpc = importlib.import_module("grpc.testing.test_pb2_grpc")
        inspector = importlib.import_module("notifybroker.interop.call_inspector_pb2")
        inspector_grpc = importlib.import_module("notifybroker.interop.call_inspector_pb2_grpc")

    return Stubs
