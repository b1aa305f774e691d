using System.Buffers.Text;
using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace NotifyBroker.Grpc.Protocol;

/// <summary>
/// Custom-Metadata ↔ HTTP/2 header fields. Binary ("-bin") values travel as base64: we emit it unpadded and accept
/// it padded or not, after splitting on ',' (duplicate headers may be joined with a comma). Protocol headers are not
/// metadata and are never surfaced as such.
/// </summary>
public static class MetadataCodec
{
    private static readonly FrozenSet<string> ReservedHeaders = new[]
    {
        GrpcProtocolConstants.ContentTypeHeader, GrpcProtocolConstants.TeHeader, GrpcProtocolConstants.HostHeader,
        GrpcProtocolConstants.TimeoutHeader, GrpcProtocolConstants.MessageEncodingHeader,
        GrpcProtocolConstants.MessageAcceptEncodingHeader, GrpcProtocolConstants.StatusHeader,
        GrpcProtocolConstants.MessageHeader, GrpcProtocolConstants.StatusDetailsHeader,
        "accept-encoding", "content-encoding", "content-length",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a header belongs to the protocol rather than to the application: pseudo-headers, transport headers and
    /// the grpc-* headers the library interprets. user-agent stays visible as metadata, as in other gRPC stacks.
    /// </summary>
    public static bool IsReservedHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name[0] == ':')
        {
            return true;
        }

        return ReservedHeaders.Contains(name);
    }

    /// <summary>
    /// Adds one received header to <paramref name="metadata"/>. A binary value may hold several comma-joined base64
    /// values, each becoming an entry. Values that cannot be represented (malformed base64, non-ASCII text, a name
    /// outside the metadata alphabet) are skipped rather than failing the call; returns false if anything was skipped.
    /// </summary>
    public static bool TryAddHeader(Metadata metadata, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(name);
        if (value is null)
        {
            return false;
        }

        try
        {
            if (!Metadata.Entry.IsBinaryKey(name))
            {
                metadata.Add(new Metadata.Entry(name, value));
                return true;
            }

            var allDecoded = true;
            var remaining = value.AsSpan();
            while (true)
            {
                var comma = remaining.IndexOf(',');
                var part = (comma < 0 ? remaining : remaining[..comma]).Trim();
                if (TryDecodeBase64(part, out var bytes))
                {
                    metadata.Add(new Metadata.Entry(name, bytes));
                }
                else
                {
                    allDecoded = false;
                }

                if (comma < 0)
                {
                    return allDecoded;
                }

                remaining = remaining[(comma + 1)..];
            }
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The custom metadata of a request's (or response's) headers, protocol headers left out.</summary>
    public static Metadata FromHeaders(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var metadata = new Metadata();
        foreach (var header in headers)
        {
            if (IsReservedHeader(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                TryAddHeader(metadata, header.Key, value);
            }
        }

        return metadata;
    }

    /// <summary>Appends every entry to <paramref name="headers"/>; repeated keys keep their order.</summary>
    public static void WriteToHeaders(IHeaderDictionary headers, Metadata metadata)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var entry in metadata)
        {
            var value = EncodeValue(entry);
            if (headers.TryGetValue(entry.Key, out var existing))
            {
                headers[entry.Key] = StringValues.Concat(existing, value);
            }
            else
            {
                headers[entry.Key] = value;
            }
        }
    }

    /// <summary>The header value of one entry: the text as is, or unpadded base64 for a binary entry.</summary>
    public static string EncodeValue(Metadata.Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.IsBinary ? EncodeBase64Unpadded(entry.ValueBytes) : entry.Value;
    }

    /// <summary>RFC 4648 §4 base64 without trailing '=' (what the spec says to emit).</summary>
    public static string EncodeBase64Unpadded(ReadOnlySpan<byte> bytes)
    {
        var encoded = Convert.ToBase64String(bytes);
        var end = encoded.Length;
        while (end > 0 && encoded[end - 1] == '=')
        {
            end--;
        }

        return end == encoded.Length ? encoded : encoded[..end];
    }

    /// <summary>Decodes RFC 4648 §4 base64 with or without padding. False for anything else.</summary>
    public static bool TryDecodeBase64(ReadOnlySpan<char> value, out byte[] bytes)
    {
        var trimmed = value.TrimEnd('=');
        var padding = (4 - (trimmed.Length % 4)) % 4;
        if (padding == 3 || value.Length - trimmed.Length > 2)
        {
            bytes = [];
            return false;
        }

        Span<char> padded = trimmed.Length + padding <= 512 ? stackalloc char[trimmed.Length + padding] : new char[trimmed.Length + padding];
        trimmed.CopyTo(padded);
        padded[trimmed.Length..].Fill('=');
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        if (!Convert.TryFromBase64Chars(padded, decoded, out var written))
        {
            bytes = [];
            return false;
        }

        bytes = written == decoded.Length ? decoded : decoded[..written];
        return true;
    }
}
