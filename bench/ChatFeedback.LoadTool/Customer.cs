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
/// One customer in a private chat, closed loop: sends an update, waits for the bot's reply at the channel's stub,
/// answers the question's buttons, and takes the post-purchase survey again and again (odd rounds through
/// <c>/start</c> and the menu's survey button, even rounds with <c>/survey</c>). After any error it carries on in a
/// fresh chat, so late replies to the old one cannot be mistaken for answers. The channel's payloads come from its
/// <see cref="ChannelProtocol"/>.
/// </summary>
public sealed class Customer : IDisposable
{
    /// <summary>More answers than the longest path through the survey has questions: a loop is an error.</summary>
    private const int MaxAnswersPerSurvey = 15;

    private const string SkipValue = "__skip";
    private const string Comment = "Fast delivery and great quality";

    // What complaining customers write: routine ones, and now and then one the rules must raise (safety, legal).
    private static readonly string[] Complaints =
    [
        "The parcel arrived three days late and the box was dented, although the kettle itself works.",
        "I was charged twice for the same order and nobody has answered my emails for a week.",
        "The kettle leaked boiling water and I got a burn on my hand when I picked it up.",
        "The staff at the counter were rude to my mother and refused to check the receipt.",
        "快递晚了五天才到，包装也破了，客服一直不回复。",
        "水壶用了两天就坏了，开关失灵，我要求退货退款。",
        "充电器发烫还冒烟，差点起火，太危险了，我要投诉到消费者协会。",
        "The app kept crashing at checkout and I lost the discount I was promised.",
    ];
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly int _index;
    private readonly long _chatBase;
    private readonly HttpClient _http;
    private readonly ChannelProtocol _channel;
    private readonly LoadRun _run;
    private readonly TimeSpan _replyTimeout;
    private readonly AnswerStyle _style;
    private readonly Random _random;
    private readonly Channel<BotCall> _inbox = Channel.CreateUnbounded<BotCall>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ArrayBufferWriter<byte> _body = new(4096);
    private readonly Utf8JsonWriter _json;
    private CancellationTokenSource _timeout = new();
    private CustomerChat _chat;
    private int _generation;

    private enum Expect
    {
        /// <summary>The turn ends with the first message (an answer's next question, or the survey's end).</summary>
        AnyMessage,

        /// <summary>The turn ends with a message that has buttons (lead-in messages such as the greeting come first).</summary>
        Question,
    }

    private readonly Scenario _scenario;

    public Customer(int index, long chatBase, HttpClient http, ChannelProtocol channel, LoadRun run, TimeSpan replyTimeout, AnswerStyle style, Scenario scenario = Scenario.Survey)
    {
        _scenario = scenario;
        _index = index;
        _chatBase = chatBase;
        _http = http;
        _channel = channel;
        _run = run;
        _replyTimeout = replyTimeout;
        _style = style;
        _random = new Random(index);
        _json = new Utf8JsonWriter(_body);
        _chat = channel.NewChat(chatBase + index);
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
                if (!await (_scenario == Scenario.Complaints ? FileComplaintAsync() : TakeSurveyAsync(round)))
                {
                    NewChat();
                    round = 0;
                }
            }
        }
        finally
        {
            _channel.Stub.Unroute(_chat.ConversationId);
        }
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _json.Dispose();
    }

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
                WritePress(menu, survey);
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

    /// <summary>
    /// One complaint from <c>/complaint</c> to its confirmation: a category button, the customer's words typed, the order
    /// number skipped, an outcome and the contact question pressed; false after an error. The confirmation counts as
    /// a completed conversation.
    /// </summary>
    private async Task<bool> FileComplaintAsync()
    {
        WriteText("/complaint");
        var question = await TurnAsync(Expect.Question);
        if (question is null)
        {
            return false;
        }

        WritePress(question, question.Buttons[_random.Next(question.Buttons.Count)]);
        var description = await TurnAsync(Expect.AnyMessage);
        if (description is null || description.Buttons.Count > 0)
        {
            Stats.WrongReplies += description is null ? 0 : 1;
            return false;
        }

        WriteText(Complaints[_random.Next(Complaints.Length)]);
        question = await TurnAsync(Expect.AnyMessage);
        for (var answers = 0; question is not null && answers < MaxAnswersPerSurvey; answers++)
        {
            if (question.Buttons.Count == 0)
            {
                Stats.Surveys++;
                return true;
            }

            var skip = question.Buttons.FirstOrDefault(b => b.Value == SkipValue);
            WritePress(question, skip ?? question.Buttons[_random.Next(question.Buttons.Count)]);
            question = await TurnAsync(Expect.AnyMessage);
        }

        Stats.WrongReplies += question is null ? 0 : 1;
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
                WritePress(question, buttons[0]);
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
            WritePress(question, pick);
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
                using var response = await _http.PostAsync(_channel.Endpoint, content, token);
                if (!response.IsSuccessStatusCode)
                {
                    Stats.HttpErrors++;
                    return null;
                }

                // Most answers are empty; a press may be answered in the response (Telegram method reply, Teams invoke).
                var body = response.Content.Headers.ContentLength is 0 ? [] : await response.Content.ReadAsByteArrayAsync(token);
                if (_channel.Read(body) != ResponseVerdict.Acknowledged)
                {
                    Stats.WrongReplies++; // a stale-press notice, or an invoke answered without its card
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
        _channel.Stub.Unroute(_chat.ConversationId);
        while (_inbox.Reader.TryRead(out _))
        {
        }

        _chat = _channel.NewChat(_chatBase + _index + (_generation++ * 100_000L));
        _channel.Stub.Route(_chat.ConversationId, _inbox.Writer);
    }

    private void WriteText(string text)
    {
        StartUpdate();
        _channel.WriteText(_json, _chat, text);
        _json.Flush();
    }

    private void WritePress(BotCall question, BotButton button)
    {
        StartUpdate();
        _channel.WritePress(_json, _chat, question, button);
        _json.Flush();
    }

    private void StartUpdate()
    {
        _body.ResetWrittenCount();
        _json.Reset(_body);
    }
}
