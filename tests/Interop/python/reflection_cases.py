"""grpc.reflection.v1: the services are listed, and the contract's descriptor comes back decodable by Python's own
protobuf library. (The Node client also covers v1alpha.)"""
import grpc
from google.protobuf import descriptor_pb2

from checks import check
from request_queue import RequestQueue
from streams import Stream

NOTIFIER = "notify.v1.Notifier"
HEALTH = "grpc.health.v1.Health"


def _ask(requests, stream, request):
    requests.send(request)
    return stream.next()


def _list_services(ctx, requests, stream):
    r = ctx.stubs.reflection
    response = _ask(requests, stream, r.ServerReflectionRequest(list_services=""))
    kind = response.WhichOneof("message_response")
    check(kind == "list_services_response", f"list_services answered with {kind} {response.error_response}")
    services = [s.name for s in response.list_services_response.service]
    for required in (NOTIFIER, HEALTH):
        check(required in services, f"list_services lacks {required} (got {', '.join(services)})")


def _check_notifier_file(ctx, requests, stream):
    what = f"file_containing_symbol({NOTIFIER})"
    r = ctx.stubs.reflection
    response = _ask(requests, stream, r.ServerReflectionRequest(file_containing_symbol=NOTIFIER))
    kind = response.WhichOneof("message_response")
    check(kind == "file_descriptor_response", f"{what}: answered with {kind} {response.error_response}")
    files = [descriptor_pb2.FileDescriptorProto.FromString(b)
             for b in response.file_descriptor_response.file_descriptor_proto]
    file = next((f for f in files if f.name == "notify/v1/notifier.proto"), None)
    check(file is not None, f"{what}: no notify/v1/notifier.proto among {', '.join(f.name for f in files)}")
    service = next((s for s in file.service if s.name == "Notifier"), None)
    check(service is not None, f"{what}: notify/v1/notifier.proto declares no service Notifier")
    subscribe = next((m for m in service.method if m.name == "Subscribe"), None)
    check(subscribe is not None and subscribe.server_streaming and not subscribe.client_streaming,
          f"{what}: Notifier has no server-streaming method Subscribe")


def reflection(ctx):
    requests = RequestQueue()
    stream = Stream(ctx.reflection.ServerReflectionInfo(requests))
    try:
        _list_services(ctx, requests, stream)
        _check_notifier_file(ctx, requests, stream)
    finally:
        requests.close()
    code = stream.end()
    check(code == grpc.StatusCode.OK, f"the reflection stream ended with {code.name}, expected OK")


CASES = [reflection]
