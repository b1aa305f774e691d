using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>One log event as the host wrote it: category, level, rendered message, exception and structured values.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> State);

/// <summary>A logger provider that keeps every event of Information and above, for tests that read the host's logs.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, Entries);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception, values.ToDictionary(static p => p.Key, static p => p.Value)));
        }
    }
}
