using System.Collections.Concurrent;
using ChatFeedback.Bot.Records;
using ChatFeedback.Bot.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChatFeedback.Bot.Tests.Telegram;

/// <summary>
/// The real service in memory with the Telegram channel on, pointed at <see cref="BotApiStub"/>: webhook mode by
/// default, the repository's flows, a fake clock, send limits raised so fast conversations are not throttled, and
/// a records database of its own (a SQLite file in a temp folder, unless the overrides name another).
/// </summary>
internal sealed class TelegramBotFactory : WebApplicationFactory<Program>
{
    public const string Secret = "s3cret_Token-1";
    public const string ApiKey = "test-api-key-0123456789abcdefgh";
    public const string WebhookUrl = "https://bot.example.test/api/telegram";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly TempDirectory _data = new();

    /// <param name="services">Test-only changes to the host's services (applied last), e.g. a store that holds turns.</param>
    public TelegramBotFactory(BotApiStub api, IReadOnlyDictionary<string, string?>? overrides = null, FakeTimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));
        _services = services;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Flows:Path"] = RepoPaths.Flows,
            ["Telegram:BotToken"] = BotApiStub.Token,
            ["Telegram:ApiBaseUrl"] = api.Url,
            ["Telegram:Mode"] = "Webhook",
            ["Telegram:WebhookUrl"] = WebhookUrl,
            ["Telegram:WebhookSecret"] = Secret,
            ["Telegram:PerChatPerSecond"] = "1000",
            ["Telegram:PerChatBurst"] = "1000",
            ["Telegram:GlobalPerSecond"] = "1000",
            ["Telegram:GlobalBurst"] = "1000",
            ["Api:Keys:0"] = ApiKey,
            ["Storage:DataPath"] = _data.Path,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The ids of the messages the host's turn processor finished, in the order it finished them.</summary>
    public TurnRecorder Turns { get; } = new();

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A context on the host's records database, to read what the turns recorded.</summary>
    public RecordsDbContext Records() => Get<IDbContextFactory<RecordsDbContext>>().CreateDbContext();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _data.Dispose();
        }
    }

    /// <summary>
    /// Moves the service's clock on, a second at a time, until <paramref name="done"/> completes: for waits the
    /// service makes on its clock (retry backoff) that the test cannot see start.
    /// </summary>
    public async Task AdvanceUntilAsync(Task done, int maxSeconds = 600)
    {
        for (var i = 0; i < maxSeconds && !done.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(done, Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken));
        }

        await done;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting rather than ConfigureAppConfiguration: AddTelegram reads its section while Program runs.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<ILoggerProvider>(Turns);
            services.Configure<LoggerFilterOptions>(options => options.AddFilter<TurnRecorder>(TurnRecorder.Category, LogLevel.Debug)
                .AddFilter<TurnRecorder>(TurnRecorder.StatusCategory, LogLevel.Information));
            _services?.Invoke(services);
        });
    }
}

/// <summary>
/// Reads the turn processor's "turn done" log event: the order in which the host processed messages, which is
/// what replies must follow. A log provider, so nothing in the pipeline is replaced.
/// </summary>
internal sealed class TurnRecorder : ILoggerProvider, ILogger
{
    public const string Category = "ChatFeedback.Bot.Conversations.TurnProcessor";
    public const string QueueCategory = "ChatFeedback.Bot.Conversations.TurnQueue";
    public const string StatusCategory = "ChatFeedback.Bot.Conversations.ConversationStatus";

    private readonly ConcurrentQueue<string> _done = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _failed = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _ended = new();
    private readonly Lock _movesGate = new();
    private readonly Dictionary<string, int> _moves = new(StringComparer.Ordinal);
    private readonly List<(string ConversationKey, int Times, TaskCompletionSource Signal)> _moveWaiters = [];

    public IReadOnlyList<string> Done => [.. _done];

    /// <summary>Completes when the queue reports the turn of <paramref name="messageId"/> failed.</summary>
    public Task FailedAsync(string messageId) =>
        Failure(messageId).Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    /// <summary>Completes when the processor ends the turn of <paramref name="messageId"/>: done, or dropped as a duplicate.</summary>
    public Task EndedAsync(string messageId) =>
        Ended(messageId).Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    /// <summary>Completes once the service has handled <paramref name="times"/> moves of <paramref name="conversationKey"/> to a new id.</summary>
    public Task MovedAsync(string conversationKey, int times = 1)
    {
        lock (_movesGate)
        {
            if (_moves.GetValueOrDefault(conversationKey) >= times)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _moveWaiters.Add((conversationKey, times, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
    }

    public ILogger CreateLogger(string categoryName) => categoryName is Category or QueueCategory or StatusCategory ? this : NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Name == "TurnDone" && state is IReadOnlyList<KeyValuePair<string, object?>> values
            && values.FirstOrDefault(v => v.Key == "MessageId").Value is string messageId)
        {
            _done.Enqueue(messageId);
            Ended(messageId).TrySetResult();
        }
        else if (eventId.Name == "DuplicateDropped" && state is IReadOnlyList<KeyValuePair<string, object?>> dropped
            && dropped.FirstOrDefault(v => v.Key == "MessageId").Value is string droppedId)
        {
            Ended(droppedId).TrySetResult();
        }
        else if (logLevel == LogLevel.Information && state is IReadOnlyList<KeyValuePair<string, object?>> move
            && move.Any(v => v.Key == "NewConversationKey") && move.FirstOrDefault(v => v.Key == "ConversationKey").Value is string movedKey)
        {
            // ConversationStatus's "moved" line: the last step of a move, records and session done.
            Moved(movedKey);
        }
        else if (eventId.Name == "ProcessingFailed" && state is IReadOnlyList<KeyValuePair<string, object?>> failed
            && failed.FirstOrDefault(v => v.Key == "MessageId").Value is string failedId)
        {
            Failure(failedId).TrySetResult();
        }
    }

    private void Moved(string conversationKey)
    {
        lock (_movesGate)
        {
            var times = _moves[conversationKey] = _moves.GetValueOrDefault(conversationKey) + 1;
            foreach (var waiter in _moveWaiters.Where(w => w.ConversationKey == conversationKey && w.Times <= times).ToList())
            {
                waiter.Signal.TrySetResult();
                _moveWaiters.Remove(waiter);
            }
        }
    }

    private TaskCompletionSource Ended(string messageId) =>
        _ended.GetOrAdd(messageId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private TaskCompletionSource Failure(string messageId) =>
        _failed.GetOrAdd(messageId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Dispose()
    {
    }
}
