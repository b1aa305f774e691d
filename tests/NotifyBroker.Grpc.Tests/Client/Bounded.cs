namespace NotifyBroker.Grpc.Tests.Client;

/// <summary>Guards against hangs only: a generous bound, never a timing assertion.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);
}
