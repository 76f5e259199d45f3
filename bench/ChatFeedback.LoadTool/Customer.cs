using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;

namespace ChatFeedback.LoadTool;

/// <summary>What one customer counted in one phase; only that customer writes it, the report reads it afterwards.</summary>
public sealed class CustomerStats
{
    public long Turns { get; set; }

    public long Surveys { get; set; }

    public long HttpErrors { get; set; }

    public long Timeouts { get; set; }

    public long WrongReplies { get; set; }

    public long UnexpectedReplies { get; set; }

    public List<double> LatenciesMs { get; } = new(capacity: 4096);
}

/// <summary>The phase the run is in, shared by the customers; also ends the measured phase at <c>--max-turns</c>.</summary>
public sealed class LoadRun(long maxMeasuredTurns)
{
    private long _measuredTurns;
    private long _allTurns;
    private volatile bool _measuring;
    private volatile bool _stopping;

    public bool Measuring
    {
        get => _measuring;
        set => _measuring = value;
    }

    public bool Stopping
    {
        get => _stopping;
        set => _stopping = value;
    }

    /// <summary>Completes when the measured phase has had <c>--max-turns</c> turns.</summary>
    public TaskCompletionSource CapReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Turns completed in any phase; read with the other counters so per-turn ratios share one window.</summary>
    public long AllTurns => Interlocked.Read(ref _allTurns);

    public void TurnDone() => Interlocked.Increment(ref _allTurns);

    public void MeasuredTurnDone()
    {
        if (Interlocked.Increment(ref _measuredTurns) >= maxMeasuredTurns)
        {
            CapReached.TrySetResult();
        }
    }
}

/// <summary>
/// One customer in a private chat, closed loop: sends an update, waits for the bot's reply at the stub, answers the
/// question's buttons, and takes the post-purchase survey again and again (odd rounds through <c>/start</c> and the
/// menu's survey button, even rounds with <c>/survey</c>). After any error it carries on in a fresh chat, so late replies
/// to the old one cannot be mistaken for answers.
/// </summary>
public sealed class Customer : IDisposable
{
    /// <summary>More answers than the longest path through the survey has questions: a loop is an error.</summary>
    private const int MaxAnswersPerSurvey = 15;

    private const string SkipValue = "__skip";
    private const string Comment = "Fast delivery and great quality";
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static long s_nextUpdateId = Random.Shared.NextInt64(1_000_000, 1_000_000_000);

    private readonly int _index;
    private readonly long _chatIdBase;
    private readonly HttpClient _http;
    private readonly Uri _webhook;
    private readonly BotApiStub _stub;
    private readonly LoadRun _run;
    private readonly TimeSpan _replyTimeout;
    private readonly Random _random;
    private readonly Channel<BotCall> _inbox = Channel.CreateUnbounded<BotCall>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ArrayBufferWriter<byte> _body = new(4096);
    private CancellationTokenSource _timeout = new();
    private long _chatId;
    private int _generation;
    private long _messageId;
    private long _callbackId;

    private enum Expect
    {
        /// <summary>The turn ends with the first message (an answer's next question, or the survey's end).</summary>
        AnyMessage,

        /// <summary>The turn ends with a message that has buttons (lead-in messages such as the greeting come first).</summary>
        Question,
    }

    private readonly AnswerStyle _style;

    public Customer(int index, long chatIdBase, HttpClient http, Uri webhook, BotApiStub stub, LoadRun run, TimeSpan replyTimeout, AnswerStyle style)
    {
        _style = style;
        _index = index;
        _chatIdBase = chatIdBase;
        _http = http;
        _webhook = webhook;
        _stub = stub;
        _run = run;
        _replyTimeout = replyTimeout;
        _random = new Random(index);
    }

    public CustomerStats Warmup { get; } = new();

    public CustomerStats Measured { get; } = new();

    private CustomerStats Stats => _run.Measuring ? Measured : Warmup;

    public async Task RunAsync()
    {
        NewChat();
        try
        {
            var round = 0;
            while (!_run.Stopping)
            {
                round++;
                if (!await TakeSurveyAsync(round))
                {
                    NewChat();
                    round = 0;
                }
            }
        }
        finally
        {
            _stub.Unroute(_chatId);
        }
    }

    public void Dispose() => _timeout.Dispose();

    /// <summary>One survey from its start to its end; false after an error.</summary>
    private async Task<bool> TakeSurveyAsync(int round)
    {
        BotCall? question;
        if (round % 2 == 1)
        {
            WriteText("/start");
            var menu = await TurnAsync(Expect.Question);
            if (menu is null)
            {
                return false;
            }

            var survey = menu.Buttons.FirstOrDefault(b => b.Value == "survey");
            if (survey is null)
            {
                Stats.WrongReplies++;
                return false;
            }

            if (_style == AnswerStyle.Typed)
            {
                WriteText(survey.Value); // "survey" is one of the menu choice's synonyms
            }
            else
            {
                WriteCallback(menu, survey);
            }

            question = await TurnAsync(Expect.Question);
        }
        else
        {
            WriteText("/survey");
            question = await TurnAsync(Expect.Question);
        }

        for (var answers = 0; question is not null && answers < MaxAnswersPerSurvey; answers++)
        {
            if (_run.Stopping)
            {
                return true;
            }

            Answer(question);
            var reply = await TurnAsync(Expect.AnyMessage);
            if (reply is null)
            {
                return false;
            }

            if (reply.Buttons.Count == 0)
            {
                Stats.Surveys++; // the closing thanks
                return true;
            }

            if (reply.Buttons[0].QuestionKey == question.Buttons[0].QuestionKey)
            {
                Stats.WrongReplies++; // the same question again: the answer was not accepted
                return false;
            }

            question = reply;
        }

        if (question is not null)
        {
            Stats.WrongReplies++;
        }

        return false;
    }

    /// <summary>A random answer: mostly a button press, sometimes the value typed; the comment typed or skipped.</summary>
    private void Answer(BotCall question)
    {
        var buttons = question.Buttons;
        if (buttons.Count == 1 && buttons[0].Value == SkipValue)
        {
            if (_style == AnswerStyle.Typed || (_style == AnswerStyle.Mixed && _random.Next(2) == 0))
            {
                WriteText(Comment);
            }
            else
            {
                WriteCallback(question, buttons[0]);
            }

            return;
        }

        var pick = buttons[_random.Next(buttons.Count)];
        if (pick.Value != SkipValue && (_style == AnswerStyle.Typed || (_style == AnswerStyle.Mixed && _random.Next(4) == 0)))
        {
            WriteText(pick.Value);
        }
        else
        {
            WriteCallback(question, pick);
        }
    }

    /// <summary>Sends the update in <see cref="_body"/> and waits for the reply that ends the turn; null after an error.</summary>
    private async Task<BotCall?> TurnAsync(Expect expect)
    {
        while (_inbox.Reader.TryRead(out _))
        {
            Stats.UnexpectedReplies++; // a message after the turn that should have ended with the one before
        }

        if (!_timeout.TryReset())
        {
            _timeout.Dispose();
            _timeout = new CancellationTokenSource();
        }

        _timeout.CancelAfter(_replyTimeout);
        var token = _timeout.Token;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using (var content = new ReadOnlyMemoryContent(_body.WrittenMemory))
            {
                content.Headers.ContentType = JsonType;
                using var response = await _http.PostAsync(_webhook, content, token);
                if (!response.IsSuccessStatusCode)
                {
                    Stats.HttpErrors++;
                    return null;
                }
            }

            while (true)
            {
                var call = await _inbox.Reader.ReadAsync(token);
                if (call.Kind == BotCallKind.Answer && !string.IsNullOrEmpty(call.Text))
                {
                    Stats.WrongReplies++; // the press was answered as stale
                    return null;
                }

                if (call.Kind == BotCallKind.Send && (expect == Expect.AnyMessage || call.Buttons.Count > 0))
                {
                    var stats = Stats;
                    _run.TurnDone();
                    stats.Turns++;
                    stats.LatenciesMs.Add(Stopwatch.GetElapsedTime(started, call.ReceivedAt).TotalMilliseconds);
                    if (ReferenceEquals(stats, Measured))
                    {
                        _run.MeasuredTurnDone();
                    }

                    return call;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Stats.Timeouts++;
            return null;
        }
        catch (HttpRequestException)
        {
            Stats.HttpErrors++;
            return null;
        }
    }

    private void NewChat()
    {
        _stub.Unroute(_chatId);
        while (_inbox.Reader.TryRead(out _))
        {
        }

        _chatId = _chatIdBase + _index + (_generation++ * 100_000L);
        _stub.Route(_chatId, _inbox.Writer);
    }

    private void WriteText(string text)
    {
        using var json = StartUpdate();
        json.WriteStartObject("message");
        json.WriteNumber("message_id", ++_messageId);
        json.WriteNumber("date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        WriteChat(json);
        WriteFrom(json);
        json.WriteString("text", text);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteCallback(BotCall question, BotButton button)
    {
        using var json = StartUpdate();
        json.WriteStartObject("callback_query");
        json.WriteString("id", $"{_chatId}_{++_callbackId}");
        WriteFrom(json);
        json.WriteString("chat_instance", "load");
        json.WriteString("data", button.CallbackData);
        json.WriteStartObject("message");
        json.WriteNumber("message_id", question.MessageId);
        json.WriteNumber("date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        WriteChat(json);
        json.WriteStartObject("from");
        json.WriteNumber("id", 123456);
        json.WriteBoolean("is_bot", true);
        json.WriteString("first_name", "LoadBot");
        json.WriteEndObject();
        json.WriteString("text", question.Text);
        if (question.KeyboardJson is { } keyboard)
        {
            json.WritePropertyName("reply_markup");
            json.WriteRawValue(keyboard, skipInputValidation: true);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private Utf8JsonWriter StartUpdate()
    {
        _body.ResetWrittenCount();
        var json = new Utf8JsonWriter(_body);
        json.WriteStartObject();
        json.WriteNumber("update_id", Interlocked.Increment(ref s_nextUpdateId));
        return json;
    }

    private void WriteChat(Utf8JsonWriter json)
    {
        json.WriteStartObject("chat");
        json.WriteNumber("id", _chatId);
        json.WriteString("type", "private");
        json.WriteString("first_name", "Load");
        json.WriteEndObject();
    }

    private void WriteFrom(Utf8JsonWriter json)
    {
        json.WriteStartObject("from");
        json.WriteNumber("id", _chatId);
        json.WriteBoolean("is_bot", false);
        json.WriteString("first_name", "Load");
        json.WriteString("language_code", "en");
        json.WriteEndObject();
    }
}
