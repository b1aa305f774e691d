using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Client.Subscriptions;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Client.Tests.Subscriptions;

public sealed class ResumePointTests
{
    private static Position At(ulong offset) => new() { Offset = offset, Epoch = "e1" };

    private static Event OpenAt(ulong offset, bool recovered) => new() { Position = At(offset), Open = new Open { Recovered = recovered } };

    private static Event MessageAt(ulong offset) => new() { Position = At(offset), AliasMessage = new AliasMessage { Text = "x" } };

    [Fact]
    public void A_live_start_resumes_after_the_head_it_opened_at()
    {
        var request = new SubscribeRequest { Aliases = { "a" } };
        var point = new ResumePoint(request);
        Assert.Same(request, point.NextRequest());

        point.Observe(OpenAt(41, recovered: false), request);

        var next = point.NextRequest();
        Assert.Equal(At(41), next.After);
        Assert.Equal(["a"], next.Aliases);
    }

    [Fact]
    public void A_recovered_resume_keeps_its_position_until_messages_move_it()
    {
        var request = new SubscribeRequest { After = At(10) };
        var point = new ResumePoint(request);

        point.Observe(OpenAt(50, recovered: true), request);
        Assert.Equal(At(10), point.After);

        point.Observe(MessageAt(11), request);
        Assert.Equal(At(11), point.After);
    }

    [Fact]
    public void An_unrecovered_resume_continues_from_where_the_stream_went_live()
    {
        var request = new SubscribeRequest { After = At(10) };
        var point = new ResumePoint(request);

        point.Observe(OpenAt(500, recovered: false), request);

        Assert.Equal(At(500), point.After);
    }

    [Fact]
    public void A_since_start_is_repeated_until_an_event_gives_a_position()
    {
        var request = new SubscribeRequest { Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) };
        var point = new ResumePoint(request);

        point.Observe(OpenAt(99, recovered: true), request);
        Assert.Null(point.After);
        Assert.Equal(SubscribeRequest.StartOneofCase.Since, point.NextRequest().StartCase);

        point.Observe(new Event { Position = At(97), Keepalive = new Keepalive() }, request);
        Assert.Equal(SubscribeRequest.StartOneofCase.After, point.NextRequest().StartCase);
        Assert.Equal(At(97), point.NextRequest().After);
    }
}
