using NotifyBroker.Windows.Listener;

namespace NotifyBroker.Windows.Tests.Unit;

/// <summary>
/// WM_ENDSESSION(TRUE) held for the host's stop, and that stop stopping the listener without waiting for the held
/// thread. Grace periods are long where the hook finishes on its own (they only guard hangs), short where running
/// out is the point.
/// </summary>
public sealed class SessionEndHoldTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_hold_runs_the_hosts_stop_and_ends_when_it_has_finished()
    {
        var ran = 0;
        var hold = new SessionEndHold(() => { Interlocked.Increment(ref ran); return Task.CompletedTask; }, Generous);

        Assert.Equal(SessionEndOutcome.Stopped, hold.Hold());
        Assert.Equal(1, ran);
        Assert.False(hold.IsHolding);
        Assert.False(hold.ForwardingEnded);
    }

    [Fact]
    public void The_stop_the_hook_starts_may_stop_the_listener_without_waiting_for_the_held_thread()
    {
        SessionEndHold? hold = null;
        bool? heldWhenStopped = null;
        bool? forwardingEndedWhenStopped = null;
        hold = new SessionEndHold(
            () =>
            {
                // What the host's stop does: stop the listener (whose thread is the one holding WM_ENDSESSION).
                heldWhenStopped = hold!.RequestStop();
                forwardingEndedWhenStopped = hold.ForwardingEnded;
                return Task.CompletedTask;
            },
            Generous);

        Assert.Equal(SessionEndOutcome.Stopped, hold.Hold());
        Assert.True(heldWhenStopped);
        Assert.True(forwardingEndedWhenStopped);
        Assert.True(hold.ForwardingEnded);
    }

    [Fact]
    public async Task The_hold_lasts_until_the_stop_has_finished_not_until_it_has_stopped_the_listener()
    {
        var stopFinished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listenerStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SessionEndHold? hold = null;
        hold = new SessionEndHold(
            async () =>
            {
                Assert.True(hold!.RequestStop());
                listenerStopped.SetResult();
                await stopFinished.Task;
            },
            Generous);

        Task<SessionEndOutcome> holding = Task.Factory.StartNew(hold.Hold, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await listenerStopped.Task.WaitAsync(Generous);

        Assert.True(hold.IsHolding);
        Assert.False(holding.IsCompleted);
        stopFinished.SetResult();
        Assert.Equal(SessionEndOutcome.Stopped, await holding.WaitAsync(Generous));
        Assert.False(hold.IsHolding);
    }

    [Fact]
    public void A_stop_that_outlasts_the_grace_period_is_left_running_and_the_hold_ends()
    {
        var never = new TaskCompletionSource();
        var hold = new SessionEndHold(() => never.Task, TimeSpan.FromMilliseconds(20));

        Assert.Equal(SessionEndOutcome.TimedOut, hold.Hold());
        Assert.False(hold.IsHolding);
    }

    [Fact]
    public void Without_a_hook_the_hold_gives_the_accepted_events_the_grace_period()
    {
        var hold = new SessionEndHold(null, TimeSpan.FromMilliseconds(1));

        Assert.Equal(SessionEndOutcome.GraceElapsed, hold.Hold());
    }

    [Fact]
    public void A_stop_requested_before_the_session_ends_is_not_started_again_and_is_not_waited_for()
    {
        var ran = 0;
        var hold = new SessionEndHold(() => { Interlocked.Increment(ref ran); return Task.CompletedTask; }, Generous);

        // Not held: the caller waits for the listener thread as usual, and the messages already queued still go out.
        Assert.False(hold.RequestStop());
        Assert.False(hold.ForwardingEnded);

        Assert.Equal(SessionEndOutcome.AlreadyStopping, hold.Hold());
        Assert.Equal(0, ran);
    }

    [Fact]
    public void A_failing_stop_surfaces_and_releases_the_hold()
    {
        var hold = new SessionEndHold(() => Task.FromException(new InvalidOperationException("stop failed")), Generous);

        var error = Assert.Throws<AggregateException>(() => hold.Hold());

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.False(hold.IsHolding);
    }

    [Fact]
    public void Closing_the_window_ends_forwarding()
    {
        var hold = new SessionEndHold(null, TimeSpan.Zero);

        hold.EndForwarding();

        Assert.True(hold.ForwardingEnded);
    }
}
