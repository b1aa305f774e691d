using System.Net.Http.Headers;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Client;

/// <summary>Reads gRPC values out of HttpClient's header collections without validating or re-parsing them.</summary>
internal static class HttpHeadersReader
{
    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    public static string? FirstValue(HttpHeaders headers, string name)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The status carried by <paramref name="headers"/> (trailers, or a Trailers-Only response); false without grpc-status.</summary>
    public static bool TryReadStatus(HttpHeaders headers, out Status status) =>
        StatusCodec.TryReadStatus(
            FirstValue(headers, GrpcProtocolConstants.StatusHeader),
            FirstValue(headers, GrpcProtocolConstants.MessageHeader),
            FirstValue(headers, GrpcProtocolConstants.StatusDetailsHeader),
            out status);

    /// <summary>The application's metadata in <paramref name="headers"/>: protocol headers left out, "-bin" values decoded.</summary>
    public static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            if (MetadataCodec.IsReservedHeader(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                MetadataCodec.TryAddHeader(metadata, header.Key, value);
            }
        }

        return metadata;
    }
}
