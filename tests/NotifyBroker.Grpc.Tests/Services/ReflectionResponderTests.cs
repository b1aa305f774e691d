using Google.Protobuf;
using Google.Protobuf.Reflection;
using NotifyBroker.Grpc.Reflection.V1;
using NotifyBroker.Grpc.Services.Reflection;

namespace NotifyBroker.Grpc.Tests.Services;

using ResponseCase = ServerReflectionResponse.MessageResponseOneofCase;

public sealed class ReflectionResponderTests
{
    private readonly ReflectionResponder _responder = new(new DescriptorCatalog([LayeredDescriptors.ApiService]));

    [Fact]
    public void Every_answer_echoes_the_request_and_its_host()
    {
        var request = new ServerReflectionRequest { Host = "example:1", ListServices = "*" };

        var response = _responder.Respond(request);

        Assert.Equal(request, response.OriginalRequest);
        Assert.Equal("example:1", response.ValidHost);
        Assert.Equal(["nbtest.api.Api"], response.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public void A_symbol_answer_carries_protoc_compatible_files_that_rebuild_into_the_same_service()
    {
        var response = _responder.Respond(new ServerReflectionRequest { FileContainingSymbol = "nbtest.common.Stamp.Inner" });

        Assert.Equal(ResponseCase.FileDescriptorResponse, response.MessageResponseCase);
        var protos = response.FileDescriptorResponse.FileDescriptorProto
            .Select(FileDescriptorProto.Parser.ParseFrom)
            .ToList();
        Assert.Equal([LayeredDescriptors.CommonFile, LayeredDescriptors.TimestampFile], protos.Select(p => p.Name));

        // Dependencies must come first to rebuild: reverse the server's breadth-first order.
        var rebuilt = FileDescriptor.BuildFromByteStrings(response.FileDescriptorResponse.FileDescriptorProto.Reverse());
        var inner = rebuilt.Single(f => f.Name == LayeredDescriptors.CommonFile).FindTypeByName<MessageDescriptor>("Stamp").NestedTypes.Single();
        Assert.Equal("nbtest.common.Stamp.Inner", inner.FullName);
    }

    [Fact]
    public void Unknown_queries_get_a_not_found_error_response()
    {
        var bySymbol = _responder.Respond(new ServerReflectionRequest { FileContainingSymbol = "nbtest.Nope" });
        var byName = _responder.Respond(new ServerReflectionRequest { FileByFilename = "nope.proto" });
        var extension = _responder.Respond(new ServerReflectionRequest
        {
            FileContainingExtension = new ExtensionRequest { ContainingType = "nbtest.common.Stamp", ExtensionNumber = 7 },
        });
        var numbersOfUnknown = _responder.Respond(new ServerReflectionRequest { AllExtensionNumbersOfType = "nbtest.Nope" });

        foreach (var response in new[] { bySymbol, byName, extension, numbersOfUnknown })
        {
            Assert.Equal(ResponseCase.ErrorResponse, response.MessageResponseCase);
            Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse.ErrorCode);
            Assert.NotEmpty(response.ErrorResponse.ErrorMessage);
        }
    }

    [Fact]
    public void Extension_numbers_of_a_known_proto3_message_are_an_empty_list()
    {
        var response = _responder.Respond(new ServerReflectionRequest { AllExtensionNumbersOfType = "nbtest.common.Stamp" });

        Assert.Equal(ResponseCase.AllExtensionNumbersResponse, response.MessageResponseCase);
        Assert.Equal("nbtest.common.Stamp", response.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Empty(response.AllExtensionNumbersResponse.ExtensionNumber);
    }

    [Fact]
    public void A_request_without_a_query_is_an_invalid_argument_error_response()
    {
        var response = _responder.Respond(new ServerReflectionRequest { Host = "h" });

        Assert.Equal(ResponseCase.ErrorResponse, response.MessageResponseCase);
        Assert.Equal((int)StatusCode.InvalidArgument, response.ErrorResponse.ErrorCode);
    }

    [Fact]
    public void Files_sent_earlier_on_the_stream_are_not_repeated_as_dependencies()
    {
        var first = _responder.Respond(new ServerReflectionRequest { FileByFilename = LayeredDescriptors.CommonFile });
        var second = _responder.Respond(new ServerReflectionRequest { FileContainingSymbol = "nbtest.api.Api" });

        Assert.Equal(2, first.FileDescriptorResponse.FileDescriptorProto.Count);
        var names = second.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name);
        Assert.Equal([LayeredDescriptors.ApiFile], names);
    }
}
