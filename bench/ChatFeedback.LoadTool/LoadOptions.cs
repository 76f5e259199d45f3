using System.Globalization;

namespace ChatFeedback.LoadTool;

/// <summary>How customers answer: buttons (callback queries, card actions), typed text, or a mix.</summary>
public enum AnswerStyle
{
    Mixed,
    Pressed,
    Typed,
}

/// <summary>What every customer does, round after round.</summary>
public enum Scenario
{
    /// <summary>The post-purchase survey (the standard measurement).</summary>
    Survey,

    /// <summary>The complaint flow: every conversation files a complaint, which opens a case the service assesses.</summary>
    Complaints,
}

/// <summary>The command line of the load tool; every option has a default that runs the standard measurement.</summary>
public sealed class LoadOptions
{
    public int Customers { get; private set; } = 64;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(30);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(5);

    /// <summary>Turns after which the measured phase ends early, whatever the duration.</summary>
    public long MaxTurns { get; private set; } = 1_000_000;

    public TimeSpan ReplyTimeout { get; private set; } = TimeSpan.FromSeconds(5);

    /// <summary>An existing Redis (StackExchange.Redis connection string, loopback only); null = start a private redis-server.</summary>
    public string? Redis { get; private set; }

    /// <summary>Records in PostgreSQL: an Npgsql connection string to a loopback server (a user who may CREATE DATABASE); null = SQLite.</summary>
    public string? Postgres { get; private set; }

    /// <summary>Run the service with its in-process stores instead of Redis.</summary>
    public bool NoRedis { get; private set; }

    public string? ServiceDll { get; private set; }

    public string Out { get; private set; } = Path.Combine("BenchmarkDotNet.Artifacts", "loadtool-results.json");

    /// <summary>Extra environment for the service (<c>--env Key=Value</c>, repeatable), e.g. to try a setting's effect.</summary>
    public IList<KeyValuePair<string, string>> ServiceEnvironment { get; } = [];

    public AnswerStyle Answers { get; private set; } = AnswerStyle.Mixed;

    public LoadChannel Channel { get; private set; } = LoadChannel.Telegram;

    public Scenario Scenario { get; private set; } = Scenario.Survey;

    /// <summary>When set, a chat-completions stub answering after this delay is the service's language model.</summary>
    public TimeSpan? ModelDelay { get; private set; }

    public bool Help { get; private set; }

    public const string Usage = """
        ChatFeedback load tool: N closed-loop Telegram or Teams customers against the real service on loopback.

        dotnet run -c Release --project bench/ChatFeedback.LoadTool -- [options]

          --channel NAME       telegram (default: webhook, Bot API stub) or teams (Bot Framework activities, anonymous
                               local mode, Bot Connector stub)
          --customers N        concurrent customers (default 64)
          --duration S         measured phase in seconds (default 30)
          --warmup S           warm-up before measuring, in seconds (default 5)
          --max-turns N        end the measured phase after N turns (default 1000000)
          --reply-timeout S    how long a customer waits for the bot's reply, in seconds (default 5)
          --redis HOST:PORT    use this Redis (loopback) instead of starting a private redis-server
          --no-redis           run the service with its in-process stores
          --postgres CONN      keep the records in PostgreSQL instead of SQLite: an Npgsql connection string to a
                               loopback server; the run gets a database of its own, dropped at the end
          --service-dll PATH   the service to start (default bot/ChatFeedback.Bot/bin/Release/net10.0/ChatFeedback.Bot.dll)
          --env KEY=VALUE      extra environment for the service, repeatable (e.g. DOTNET_gcServer=0)
          --scenario NAME      survey (default) or complaints (every round files a complaint, which opens a case
                               that the service assesses in the background)
          --model-delay MS     start a chat-completions stub that answers each call after MS milliseconds and make it
                               the service's language model (Llm:Enabled); without it the rules grade alone
          --answers STYLE      mixed (default: 3 in 4 presses), pressed (every answer a button) or typed (no callback queries)
          --out FILE           JSON results (default BenchmarkDotNet.Artifacts/loadtool-results.json, git-ignored)
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--customers":
                    options.Customers = PositiveInt(name, Value());
                    break;
                case "--duration":
                    options.Duration = Seconds(name, Value());
                    break;
                case "--warmup":
                    options.Warmup = Seconds(name, Value(), allowZero: true);
                    break;
                case "--max-turns":
                    options.MaxTurns = PositiveInt(name, Value());
                    break;
                case "--reply-timeout":
                    options.ReplyTimeout = Seconds(name, Value());
                    break;
                case "--redis":
                    options.Redis = Value();
                    break;
                case "--no-redis":
                    options.NoRedis = true;
                    break;
                case "--postgres":
                    options.Postgres = Value();
                    break;
                case "--service-dll":
                    options.ServiceDll = Value();
                    break;
                case "--env":
                    var pair = Value();
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new ArgumentException($"--env expects KEY=VALUE (was '{pair}').");
                    }

                    options.ServiceEnvironment.Add(new(pair[..eq], pair[(eq + 1)..]));
                    break;
                case "--answers":
                    var style = Value();
                    options.Answers = Enum.TryParse<AnswerStyle>(style, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                        ? parsed
                        : throw new ArgumentException($"--answers expects mixed, pressed or typed (was '{style}').");
                    break;
                case "--channel":
                    var channel = Value();
                    options.Channel = Enum.TryParse<LoadChannel>(channel, ignoreCase: true, out var named) && Enum.IsDefined(named)
                        ? named
                        : throw new ArgumentException($"--channel expects telegram or teams (was '{channel}').");
                    break;
                case "--scenario":
                    var scenario = Value();
                    options.Scenario = Enum.TryParse<Scenario>(scenario, ignoreCase: true, out var chosen) && Enum.IsDefined(chosen)
                        ? chosen
                        : throw new ArgumentException($"--scenario expects survey or complaints (was '{scenario}').");
                    break;
                case "--model-delay":
                    var delay = Value();
                    options.ModelDelay = int.TryParse(delay, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 60_000
                        ? TimeSpan.FromMilliseconds(ms)
                        : throw new ArgumentException($"--model-delay expects milliseconds between 0 and 60000 (was '{delay}').");
                    break;
                case "--out":
                    options.Out = Value();
                    break;
                case "-h" or "--help":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        if (options.NoRedis && options.Redis is not null)
        {
            throw new ArgumentException("--redis and --no-redis exclude each other.");
        }

        if (options.Customers > 10_000)
        {
            throw new ArgumentException("--customers is limited to 10000.");
        }

        return options;
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} expects a positive whole number (was '{value}').");

    private static TimeSpan Seconds(string name, string value, bool allowZero = false) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && (s > 0 || (allowZero && s == 0)) && s <= 3600
            ? TimeSpan.FromSeconds(s)
            : throw new ArgumentException($"{name} expects seconds between {(allowZero ? 0 : "0 (exclusive)")} and 3600 (was '{value}').");
}
