using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Tests.Protocol;

public sealed class MetadataCodecTests
{
    [Theory]
    [InlineData("q6ur")]
    [InlineData("q6ur ")]
    public void Decodes_unpadded_base64(string value)
    {
        var metadata = new Metadata();
        Assert.True(MetadataCodec.TryAddHeader(metadata, "x-grpc-test-echo-trailing-bin", value));
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB }, metadata.GetValueBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Theory]
    [InlineData("AQ==", new byte[] { 1 })]
    [InlineData("AQ", new byte[] { 1 })]
    [InlineData("AQI=", new byte[] { 1, 2 })]
    [InlineData("AQI", new byte[] { 1, 2 })]
    [InlineData("", new byte[0])]
    public void Accepts_padded_and_unpadded_values(string value, byte[] expected)
    {
        var metadata = new Metadata();
        Assert.True(MetadataCodec.TryAddHeader(metadata, "k-bin", value));
        Assert.Equal(expected, metadata.GetValueBytes("k-bin"));
    }

    [Fact]
    public void Splits_comma_joined_binary_values_before_decoding()
    {
        var metadata = new Metadata();

        Assert.True(MetadataCodec.TryAddHeader(metadata, "k-bin", "AQ==,AgM, BAUG"));

        Assert.Equal(
            new[] { new byte[] { 1 }, new byte[] { 2, 3 }, new byte[] { 4, 5, 6 } },
            metadata.Select(e => e.ValueBytes).ToArray());
    }

    [Fact]
    public void Skips_what_it_cannot_represent_instead_of_failing()
    {
        var metadata = new Metadata();

        Assert.False(MetadataCodec.TryAddHeader(metadata, "k-bin", "not base64!"));
        Assert.False(MetadataCodec.TryAddHeader(metadata, "latin", "caf\u00e9"));
        Assert.False(MetadataCodec.TryAddHeader(metadata, "bad name", "x"));
        Assert.Empty(metadata);
    }

    [Fact]
    public void Emits_unpadded_base64_for_binary_entries()
    {
        Assert.Equal("q6ur", MetadataCodec.EncodeValue(new Metadata.Entry("t-bin", [0xAB, 0xAB, 0xAB])));
        Assert.Equal("AQ", MetadataCodec.EncodeValue(new Metadata.Entry("t-bin", [1])));
        Assert.Equal("text", MetadataCodec.EncodeValue(new Metadata.Entry("t", "text")));
    }

    [Fact]
    public void Surfaces_custom_metadata_and_user_agent_but_not_protocol_headers()
    {
        var headers = new HeaderDictionary
        {
            [":path"] = "/a.B/C",
            ["content-type"] = "application/grpc",
            ["te"] = "trailers",
            ["host"] = "localhost",
            ["grpc-timeout"] = "1S",
            ["grpc-encoding"] = "gzip",
            ["grpc-accept-encoding"] = "gzip",
            ["accept-encoding"] = "identity",
            ["user-agent"] = "grpc-node-js/1.14.7",
            ["x-custom"] = new[] { "one", "two" },
            ["x-bin"] = "AQ",
        };

        var metadata = MetadataCodec.FromHeaders(headers);

        Assert.Equal(
            new[] { "user-agent", "x-custom", "x-custom", "x-bin" }.Order(),
            metadata.Select(e => e.Key).Order());
        Assert.Equal(new[] { "one", "two" }, metadata.GetAll("x-custom").Select(e => e.Value));
    }

    [Fact]
    public void Writes_repeated_keys_as_one_multi_valued_header()
    {
        var headers = new HeaderDictionary();
        var metadata = new Metadata().Add("x-a", "1").Add("x-a", "2").Add("x-b-bin", new byte[] { 0xAB, 0xAB, 0xAB });

        MetadataCodec.WriteToHeaders(headers, metadata);

        Assert.Equal(new[] { "1", "2" }, headers["x-a"].ToArray());
        Assert.Equal("q6ur", headers["x-b-bin"].ToString());
    }
}
