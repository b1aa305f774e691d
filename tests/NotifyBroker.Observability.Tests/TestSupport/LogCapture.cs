using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>One log entry as a logging provider sees it: category, event and the values of every scope around it.</summary>
internal sealed record CapturedLog(string Category, EventId EventId, string Message, IReadOnlyDictionary<string, object?> ScopeValues);

/// <summary>A logging provider that keeps every entry with its scopes (where ActivityTrackingOptions puts trace ids).</summary>
internal sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>();
            capture._scopes.ForEachScope(
                static (scope, values) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var pair in pairs)
                        {
                            values[pair.Key] = pair.Value;
                        }
                    }
                },
                values);
            capture._entries.Enqueue(new CapturedLog(category, eventId, formatter(state, exception), values));
        }
    }
}
