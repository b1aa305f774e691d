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

        point.Observe(OpenAt(41, recovered: false));

        var next = point.NextRequest();
        Assert.Equal(At(41), next.After);
        Assert.Equal(["a"], next.Aliases);
    }

    [Fact]
    public void A_recovered_resume_keeps_its_position_until_messages_move_it()
    {
        var request = new SubscribeRequest { After = At(10) };
        var point = new ResumePoint(request);

        point.Observe(OpenAt(50, recovered: true));
        Assert.Equal(At(10), point.After);

        point.Observe(MessageAt(11));
        Assert.Equal(At(11), point.After);
    }

    [Fact]
    public void An_unrecovered_resume_continues_from_where_the_stream_went_live()
    {
        var request = new SubscribeRequest { After = At(10) };
        var point = new ResumePoint(request);

        point.Observe(OpenAt(500, recovered: false));

        Assert.Equal(At(500), point.After);
    }

    [Fact]
    public void A_since_start_is_repeated_until_an_event_gives_a_position()
    {
        var request = new SubscribeRequest { Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) };
        var point = new ResumePoint(request);

        point.Observe(OpenAt(99, recovered: true));
        Assert.Null(point.After);
        Assert.Equal(SubscribeRequest.StartOneofCase.Since, point.NextRequest().StartCase);

        point.Observe(new Event { Position = At(97), Keepalive = new Keepalive() });
        Assert.Equal(SubscribeRequest.StartOneofCase.After, point.NextRequest().StartCase);
        Assert.Equal(At(97), point.NextRequest().After);
    }

    [Fact]
    public void The_point_is_a_copy_that_a_caller_changing_a_yielded_event_cannot_move()
    {
        var point = new ResumePoint(new SubscribeRequest());
        var message = MessageAt(7);

        point.Observe(message);
        message.Position.Offset = 1000;

        Assert.Equal(At(7), point.After);
        Assert.Equal(At(7), point.NextRequest().After);
    }

    [Fact]
    public void Each_next_request_becomes_the_attempt_whose_Open_is_judged()
    {
        var request = new SubscribeRequest { Aliases = { "a" } };
        var point = new ResumePoint(request);
        Assert.Same(request, point.Attempt);

        point.Observe(MessageAt(5));
        var resume = point.NextRequest();
        Assert.Same(resume, point.Attempt);

        // Judged against the resume (After 5), a recovered Open keeps the point; against the live original it would
        // have moved it to the head.
        point.Observe(OpenAt(80, recovered: true));
        Assert.Equal(At(5), point.After);
    }
}
