using System.Text.Json;

namespace ChatFeedback.LoadTool;

/// <summary>The channel the customers use: <c>--channel telegram|teams</c>.</summary>
public enum LoadChannel
{
    Telegram,
    Teams,
}

/// <summary>What the service's HTTP answer to an update said, beyond its status code.</summary>
public enum ResponseVerdict
{
    /// <summary>Acknowledged; a press's answer, if the answer came in the response, has no notice.</summary>
    Acknowledged,

    /// <summary>The press was answered with a notice: it was taken as a press of an older question.</summary>
    StaleNotice,

    /// <summary>The answer is not what the channel expects (a Teams invoke without its card).</summary>
    Refused,
}

/// <summary>One customer's conversation: a number unique in the run, and the channel's id for it.</summary>
public sealed record CustomerChat(long Number, string ConversationId);

/// <summary>
/// How customers of one channel talk to the service: the service's settings for the channel, the endpoint updates are
/// posted to, the payloads of typed text and of button presses, and the channel's side (<see cref="Stub"/>) where the
/// service's messages arrive. The closed loop, the counters and the report are the same for every channel.
/// </summary>
public abstract class ChannelProtocol(LoopbackStub stub) : IAsyncDisposable
{
    private static long s_nextUpdateId = Random.Shared.NextInt64(1_000_000, 1_000_000_000);

    public abstract string Name { get; }

    public LoopbackStub Stub { get; } = stub;

    /// <summary>Where updates are posted, relative to the service.</summary>
    public abstract Uri Endpoint { get; }

    public static ChannelProtocol Create(LoadChannel channel) => channel switch
    {
        LoadChannel.Teams => new TeamsProtocol(),
        _ => new TelegramProtocol(),
    };

    /// <summary>The service's settings for this channel, its stub on <see cref="LoopbackStub.Port"/> and no send limits.</summary>
    public abstract void Configure(IDictionary<string, string> environment);

    /// <summary>Headers every request to the service carries.</summary>
    public virtual void Configure(HttpClient http)
    {
    }

    public abstract CustomerChat NewChat(long number);

    /// <summary>Writes the update for <paramref name="text"/> typed in <paramref name="chat"/>.</summary>
    public void WriteText(Utf8JsonWriter json, CustomerChat chat, string text)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(text);
        Text(json, chat, text);
    }

    /// <summary>Writes the update for a press of <paramref name="button"/> under <paramref name="question"/>.</summary>
    public void WritePress(Utf8JsonWriter json, CustomerChat chat, BotCall question, BotButton button)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(button);
        Press(json, chat, question, button);
    }

    protected abstract void Text(Utf8JsonWriter json, CustomerChat chat, string text);

    protected abstract void Press(Utf8JsonWriter json, CustomerChat chat, BotCall question, BotButton button);

    /// <summary>Reads the body of a successful answer: most are empty; a press may be answered in it.</summary>
    public ResponseVerdict Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return ResponseVerdict.Acknowledged;
        }

        var reader = new Utf8JsonReader(body);
        using var reply = JsonDocument.ParseValue(ref reader);
        return Read(reply.RootElement);
    }

    /// <summary>Reads a non-empty answer.</summary>
    protected abstract ResponseVerdict Read(JsonElement reply);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Stub.DisposeAsync();
    }

    /// <summary>A number unique in the run, for update and activity ids.</summary>
    protected static long NextUpdateId() => Interlocked.Increment(ref s_nextUpdateId);
}
