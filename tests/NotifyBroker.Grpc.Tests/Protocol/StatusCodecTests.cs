using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Protocol;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Tests.Protocol;

public sealed class StatusCodecTests
{
    [Fact]
    public void Writes_ok_as_a_bare_zero()
    {
        var trailers = new HeaderDictionary();

        StatusCodec.WriteStatus(trailers, Status.DefaultSuccess);

        Assert.Equal("0", trailers["grpc-status"].ToString());
        Assert.False(trailers.ContainsKey("grpc-message"));
        Assert.False(trailers.ContainsKey("grpc-status-details-bin"));
    }

    [Fact]
    public void Round_trips_code_message_and_rich_details()
    {
        var rich = new Google.Rpc.Status { Code = 5, Message = "no such alias" };
        rich.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new Google.Rpc.DebugInfo { Detail = "NERR_NameNotFound" }));
        var status = new Status(StatusCode.NotFound, PercentEncodingTests.SpecialStatusMessage) { RichStatus = rich };
        var trailers = new HeaderDictionary();

        StatusCodec.WriteStatus(trailers, status);

        Assert.Equal("5", trailers["grpc-status"].ToString());
        Assert.DoesNotContain('=', trailers["grpc-status-details-bin"].ToString());
        Assert.True(StatusCodec.TryReadStatus(trailers, out var read));
        Assert.Equal(StatusCode.NotFound, read.StatusCode);
        Assert.Equal(PercentEncodingTests.SpecialStatusMessage, read.Detail);
        Assert.Equal(rich, read.RichStatus);
    }

    [Fact]
    public void Reports_a_missing_status()
    {
        Assert.False(StatusCodec.TryReadStatus(null, "whatever", null, out _));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("17")]
    [InlineData("-1")]
    public void Reads_an_invalid_status_as_unknown(string value)
    {
        Assert.True(StatusCodec.TryReadStatus(value, null, null, out var status));
        Assert.Equal(StatusCode.Unknown, status.StatusCode);
    }

    [Fact]
    public void Ignores_malformed_details_but_keeps_the_status()
    {
        Assert.True(StatusCodec.TryReadStatus("3", "bad", "!!!", out var status));
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Null(status.RichStatus);
    }

    [Fact]
    public void Accept_encoding_tokens_are_trimmed()
    {
        Assert.True(CompressionProviders.AcceptsEncoding("identity, deflate, gzip", "gzip"));
        Assert.True(CompressionProviders.AcceptsEncoding("identity,deflate,gzip", "deflate"));
        Assert.False(CompressionProviders.AcceptsEncoding("identity, deflate", "gzip"));
        Assert.False(CompressionProviders.AcceptsEncoding(null, "gzip"));
        Assert.Equal("identity,gzip,deflate", CompressionProviders.Default.AcceptEncoding);
    }

    [Fact]
    public void Maps_http_statuses_for_responses_without_grpc_status()
    {
        Assert.Equal(StatusCode.Unimplemented, HttpStatusMapping.ToStatusCode(404));
        Assert.Equal(StatusCode.Unavailable, HttpStatusMapping.ToStatusCode(503));
        Assert.Equal(StatusCode.Unknown, HttpStatusMapping.ToStatusCode(200));
    }
}
