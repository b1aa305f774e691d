using Google.Protobuf.Reflection;
using NotifyBroker.Grpc.Reflection.V1;

namespace NotifyBroker.Grpc.Services.Reflection;

using RequestCase = ServerReflectionRequest.MessageRequestOneofCase;

/// <summary>
/// Answers the requests of one ServerReflectionInfo stream (doc/server-reflection.md), one response per request.
/// A query that finds nothing is answered with an error_response and the stream goes on. Files already sent on the
/// stream are not repeated as dependencies of later answers, which the protocol allows. Not thread-safe: one per stream.
/// </summary>
internal sealed class ReflectionResponder(DescriptorCatalog catalog)
{
    private readonly HashSet<string> _sentFiles = new(StringComparer.Ordinal);

    public ServerReflectionResponse Respond(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse
        {
            ValidHost = request.Host,
            OriginalRequest = request,
        };

        switch (request.MessageRequestCase)
        {
            case RequestCase.ListServices:
                var list = new ListServiceResponse();
                foreach (var name in catalog.ServiceNames)
                {
                    list.Service.Add(new ServiceResponse { Name = name });
                }

                response.ListServicesResponse = list;
                break;

            case RequestCase.FileByFilename:
                SetFileOrError(response, catalog.FindFileByName(request.FileByFilename),
                    $"File '{request.FileByFilename}' not found.");
                break;

            case RequestCase.FileContainingSymbol:
                SetFileOrError(response, catalog.FindFileContainingSymbol(request.FileContainingSymbol),
                    $"Symbol '{request.FileContainingSymbol}' not found.");
                break;

            case RequestCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFileOrError(response,
                    catalog.FindFileContainingExtension(extension.ContainingType, extension.ExtensionNumber),
                    $"Extension {extension.ExtensionNumber} of '{extension.ContainingType}' not found.");
                break;

            case RequestCase.AllExtensionNumbersOfType:
                var typeName = request.AllExtensionNumbersOfType;
                var numbers = catalog.FindExtensionNumbers(typeName);
                if (numbers is null)
                {
                    SetError(response, StatusCode.NotFound, $"Type '{typeName}' not found.");
                }
                else
                {
                    response.AllExtensionNumbersResponse = new ExtensionNumberResponse
                    {
                        BaseTypeName = typeName,
                        ExtensionNumber = { numbers },
                    };
                }

                break;

            default:
                SetError(response, StatusCode.InvalidArgument, "The request names no query (message_request is unset).");
                break;
        }

        return response;
    }

    private void SetFileOrError(ServerReflectionResponse response, FileDescriptor? file, string notFoundMessage)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFoundMessage);
            return;
        }

        var files = new FileDescriptorResponse();
        foreach (var descriptor in DescriptorCatalog.WithDependencies(file, _sentFiles))
        {
            // SerializedData is exactly the FileDescriptorProto protoc produced: what the protocol wants.
            files.FileDescriptorProto.Add(descriptor.SerializedData);
        }

        response.FileDescriptorResponse = files;
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
