"""Generates the Python modules of the protos at run time, into a temp dir that is removed at exit (never committed).

Generator: `python3 -m grpc_tools.protoc` (Debian's python3-grpc-tools) when it is installed, else Debian's protoc
with grpc_python_plugin (protobuf-compiler, protobuf-compiler-grpc). Sources: the broker's contract from protos/ at
the repo root, grpc.health.v1 and grpc.reflection.v1 from Debian's grpc-proto, google.rpc from tests/Interop/protos.
"""
import atexit
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_PROTOS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "protos"))
INTEROP_PROTOS = os.path.normpath(os.path.join(HERE, "..", "protos"))
GRPC_PROTO_ROOT = os.environ.get("GRPC_PROTO_ROOT", "/usr/share/grpc-proto")
PROTOS = [
    "notify/v1/notifier.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1/reflection.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
    # The contract's HTTP routes (google.api.http); notifier_pb2 imports them.
    "google/api/http.proto",
    "google/api/annotations.proto",
]


def _generator_command(out_dir):
    includes = [f"-I{REPO_PROTOS}", f"-I{GRPC_PROTO_ROOT}", f"-I{INTEROP_PROTOS}"]
    outputs = [f"--python_out={out_dir}", f"--grpc_python_out={out_dir}"]
    if importlib.util.find_spec("grpc_tools") is not None:
        import grpc_tools
        # grpc_tools bundles the well-known types (google/protobuf/*.proto) next to its protoc.
        well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
        return [sys.executable, "-m", "grpc_tools.protoc", *includes, f"-I{well_known}", *outputs]
    plugin = shutil.which("grpc_python_plugin") or "/usr/bin/grpc_python_plugin"
    return ["protoc", *includes, *outputs, f"--plugin=protoc-gen-grpc_python={plugin}"]


def _extend_package(package_name, out_dir):
    """Lets an installed package (grpc, google) also find the generated subpackages of the same name."""
    package = importlib.import_module(package_name)
    package.__path__.append(os.path.join(out_dir, package_name))


def load():
    """Returns a namespace with the generated modules: notifier(_grpc), health(_grpc), reflection(_grpc), status,
    error_details."""
    out_dir = tempfile.mkdtemp(prefix="nb-interop-py-")
    atexit.register(shutil.rmtree, out_dir, ignore_errors=True)
    subprocess.run([*_generator_command(out_dir), *PROTOS], check=True)
    sys.path.insert(0, out_dir)
    # grpc/health/v1 and google/rpc generate as grpc.* and google.* modules, packages that are already installed.
    _extend_package("grpc", out_dir)
    _extend_package("google", out_dir)

    class Stubs:
        notifier = importlib.import_module("notify.v1.notifier_pb2")
        notifier_grpc = importlib.import_module("notify.v1.notifier_pb2_grpc")
        health = importlib.import_module("grpc.health.v1.health_pb2")
        health_grpc = importlib.import_module("grpc.health.v1.health_pb2_grpc")
        reflection = importlib.import_module("grpc.reflection.v1.reflection_pb2")
        reflection_grpc = importlib.import_module("grpc.reflection.v1.reflection_pb2_grpc")
        status = importlib.import_module("google.rpc.status_pb2")
        error_details = importlib.import_module("google.rpc.error_details_pb2")

    return Stubs
