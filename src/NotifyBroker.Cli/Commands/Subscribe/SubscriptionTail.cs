using NotifyBroker.Cli.Output;
using NotifyBroker.Cli.Parsing;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands.Subscribe;

/// <summary>
/// The live tail behind `notify subscribe`: prints each event as it comes (text or JSON lines on stdout), lets the SDK
/// resume across reconnects (notes on stderr), and on Ctrl+C prints the last position so the tail can be resumed with
/// --after without a gap.
/// </summary>
internal sealed class SubscriptionTail(NotifierClient client, SubscribeRequest request, CliOutput output, string address, bool json, bool verbose)
{
    private int _opens;
    private NotifyException? _neverConnected;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // The first connection must succeed: a typo in --address should fail at once, not retry forever. Once a stream
        // has opened, the SDK resumes after every resumable failure until the user stops the tail.
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var options = new SubscriptionOptions
        {
            OnReconnecting = reconnect =>
            {
                if (_opens == 0)
                {
                    _neverConnected = reconnect.Failure;
                    giveUp.Cancel();
                    return;
                }

                output.Error.WriteLine(
                    $"notify: stream ended ({FailureReport.Describe(reconnect.Failure, address)["notify: ".Length..]}); " +
                    $"reconnecting in {Durations.Format(reconnect.Delay)} (attempt {reconnect.Attempt}), resuming after {Format(reconnect.ResumeAfter)}.");
            },
        };

        // The SDK's subscription knows the resume position (ResumeAfter) and what each Open answers (StreamRequest).
        var subscription = client.SubscribeAsync(request, options, giveUp.Token);
        try
        {
            await foreach (var streamEvent in subscription.ConfigureAwait(false))
            {
                await ShowAsync(subscription, streamEvent).ConfigureAwait(false);
            }

            await output.Error.WriteLineAsync("notify: the broker ended the subscription.").ConfigureAwait(false);
            await WriteResumeHintAsync(subscription).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (_neverConnected is not null && !cancellationToken.IsCancellationRequested)
        {
            return FailureReport.Write(_neverConnected, address, output.Error);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how a tail ends: that is success.
            await WriteResumeHintAsync(subscription).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (NotifyException failure)
        {
            var exitCode = FailureReport.Write(failure, address, output.Error);
            await WriteResumeHintAsync(subscription).ConfigureAwait(false);
            return exitCode;
        }
    }

    private async Task ShowAsync(NotifierSubscription subscription, Event streamEvent)
    {
        string? line = null;
        if (streamEvent.KindCase == Event.KindOneofCase.Open)
        {
            line = DescribeOpen(subscription.StreamRequest, streamEvent);
        }
        else if (streamEvent.KindCase != Event.KindOneofCase.Keepalive || verbose)
        {
            line = json ? JsonLines.Format(streamEvent) : EventText.Line(streamEvent, EventText.Details(streamEvent));
        }

        if (line is not null)
        {
            await output.Out.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The first Open is shown; a reconnect's Open only when it lost events (otherwise a note on stderr). A resume that
    /// lost events is also noted on stderr, with recovered=false and how many were lost, or that this cannot be known.
    /// </summary>
    /// <param name="streamRequest">What the Open answers: the tail's own start, or the SDK's resume after a reconnect.</param>
    /// <param name="streamEvent">The Open event.</param>
    private string? DescribeOpen(SubscribeRequest streamRequest, Event streamEvent)
    {
        var open = streamEvent.Open;
        var start = streamRequest.StartCase;
        var resumedAfter = start == SubscribeRequest.StartOneofCase.After ? streamRequest.After : null;
        var first = _opens++ == 0;
        var resumedWithoutGap = !first && open.Recovered;
        if (resumedWithoutGap)
        {
            output.Error.WriteLine($"notify: reconnected; resumed after {Format(resumedAfter)} without a gap.");
            return null;
        }

        if (!first && start == SubscribeRequest.StartOneofCase.None)
        {
            // A reconnect before anything was seen repeats a live start: nothing could be lost that was ever shown.
            output.Error.WriteLine($"notify: reconnected; live from {Positions.Format(streamEvent.Position)}.");
            return null;
        }

        if (SubscriptionResumed.FromOpen(streamRequest, streamEvent, isReconnect: !first) is { Recovered: false } lost)
        {
            output.Error.WriteLine($"notify: {(first ? "" : "reconnected; ")}{lost.Describe()}.");
        }

        return json
            ? JsonLines.Format(streamEvent)
            : EventText.Line(streamEvent, OpenText.Describe(streamEvent, streamRequest));
    }

    private async Task WriteResumeHintAsync(NotifierSubscription subscription)
    {
        var line = subscription.ResumeAfter is { } after
            ? $"notify: last position {Positions.Format(after)}; resume with --after {Positions.Format(after)} (and the same filters)"
            : "notify: no position yet (nothing was received); start again the same way.";
        await output.Error.WriteLineAsync(line).ConfigureAwait(false);
    }

    private static string Format(Position? position) => position is null ? "the original start" : Positions.Format(position);
}
