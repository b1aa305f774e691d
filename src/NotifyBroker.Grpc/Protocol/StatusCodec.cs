using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace NotifyBroker.Grpc.Protocol;

/// <summary>
/// Status ↔ trailer fields: grpc-status (decimal, no leading zeros), grpc-message (percent-encoded UTF-8) and
/// grpc-status-details-bin (a serialized google.rpc.Status, base64).
/// </summary>
public static class StatusCodec
{
    // "0".."16" built once: writing the status of a call allocates nothing.
    private static readonly StringValues[] StatusValues =
        Enumerable.Range(0, 17).Select(code => new StringValues(code.ToString(CultureInfo.InvariantCulture))).ToArray();

    /// <summary>The grpc-status header value for <paramref name="code"/>, cached for the known codes.</summary>
    public static StringValues StatusValue(StatusCode code) =>
        (uint)code < (uint)StatusValues.Length ? StatusValues[(int)code] : new StringValues(((int)code).ToString(CultureInfo.InvariantCulture));

    /// <summary>Sets grpc-status, and grpc-message / grpc-status-details-bin when there is something to carry.</summary>
    public static void WriteStatus(IHeaderDictionary destination, in Status status)
    {
        ArgumentNullException.ThrowIfNull(destination);
        // The typed properties hit Kestrel's known-header fields instead of a dictionary.
        destination.GrpcStatus = StatusValue(status.StatusCode);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            destination.GrpcMessage = PercentEncoding.Encode(status.Detail);
        }

        if (status.RichStatus is { } richStatus)
        {
            destination[GrpcProtocolConstants.StatusDetailsHeader] = MetadataCodec.EncodeBase64Unpadded(richStatus.ToByteArray());
        }
    }

    /// <summary>
    /// Builds the status from received trailer values. False when grpc-status is absent (the caller then falls back
    /// to the HTTP status, see <see cref="HttpStatusMapping"/>). A grpc-status that is not a number, or not a known
    /// code, reads as UNKNOWN; a malformed grpc-status-details-bin is ignored rather than failing.
    /// </summary>
    public static bool TryReadStatus(string? grpcStatus, string? grpcMessage, string? grpcStatusDetails, out Status status)
    {
        if (grpcStatus is null)
        {
            status = default;
            return false;
        }

        var detail = grpcMessage is null ? string.Empty : PercentEncoding.Decode(grpcMessage);
        StatusCode code;
        if (int.TryParse(grpcStatus, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 16)
        {
            code = (StatusCode)number;
        }
        else
        {
            code = StatusCode.Unknown;
            if (detail.Length == 0)
            {
                detail = $"Invalid grpc-status '{grpcStatus}'.";
            }
        }

        status = new Status(code, detail) { RichStatus = ReadRichStatus(grpcStatusDetails) };
        return true;
    }

    /// <summary>Reads the status from a header collection holding trailers (or the headers of a Trailers-Only response).</summary>
    public static bool TryReadStatus(IHeaderDictionary source, out Status status)
    {
        ArgumentNullException.ThrowIfNull(source);
        return TryReadStatus(
            FirstOrNull(source, GrpcProtocolConstants.StatusHeader),
            FirstOrNull(source, GrpcProtocolConstants.MessageHeader),
            FirstOrNull(source, GrpcProtocolConstants.StatusDetailsHeader),
            out status);
    }

    private static string? FirstOrNull(IHeaderDictionary source, string name) =>
        source.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static Google.Rpc.Status? ReadRichStatus(string? value)
    {
        if (string.IsNullOrEmpty(value) || !MetadataCodec.TryDecodeBase64(value, out var bytes))
        {
            return null;
        }

        try
        {
            return Google.Rpc.Status.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
