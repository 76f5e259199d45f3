using Microsoft.Extensions.Logging;

namespace ChatFeedback.Testing;

/// <summary>One log event as a provider saw it: the formatted line, its values and its exception.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyList<KeyValuePair<string, object?>> Values)
{
    public object? Value(string name) => Values.FirstOrDefault(v => v.Key == name).Value;
}

/// <summary>
/// A logger provider that keeps what the host logs in categories starting with <paramref name="categoryPrefix"/>
/// (every level its filters let through): a real sink at the end of the real logging pipeline, nothing replaced.
/// </summary>
public sealed class RecordingLoggerProvider(string categoryPrefix = "ChatFeedback") : ILoggerProvider
{
    private readonly Lock gate = new();
    private readonly List<LogEntry> entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (gate)
            {
                return [.. entries];
            }
        }
    }

    public IReadOnlyList<LogEntry> AtLeast(LogLevel level) => [.. Entries.Where(e => e.Level >= level)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName, categoryName.StartsWith(categoryPrefix, StringComparison.Ordinal));

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (gate)
        {
            entries.Add(entry);
        }
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category, bool recorded) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => recorded && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            provider.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception, [.. values]));
        }
    }
}
