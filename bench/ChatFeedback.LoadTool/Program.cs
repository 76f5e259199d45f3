using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using ChatFeedback.LoadTool;

// The end-to-end load test: the channel's server side as a local stub (Telegram Bot API or Bot Connector), a private
// Redis, the real service as a child process, and N closed-loop customers posting the channel's updates to it. All
// traffic stays on 127.0.0.1, and every loop is bounded by --duration, --max-turns and --reply-timeout. See bench/README.md.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    await Console.Error.WriteLineAsync(LoadOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

var root = RepositoryRoot();
var serviceDll = Path.GetFullPath(options.ServiceDll ?? Path.Combine(root ?? ".", "bot", "ChatFeedback.Bot", "bin", "Release", "net10.0", "ChatFeedback.Bot.dll"));
if (!File.Exists(serviceDll))
{
    await Console.Error.WriteLineAsync($"The service is not built: {serviceDll} is missing. Run `dotnet build -c Release bot/ChatFeedback.Bot` first, or pass --service-dll.");
    return 2;
}

await using var channel = ChannelProtocol.Create(options.Channel);
var stub = channel.Stub;
await stub.StartAsync();
await using var redis = options.NoRedis ? null : await RedisUnderTest.StartAsync(options.Redis);

var servicePort = ChildProcess.FreeLoopbackPort();
var runId = Guid.NewGuid().ToString("N")[..8];
var dataPath = Path.Combine(Path.GetTempPath(), $"chatfeedback-load-{runId}");
using var removeData = new TemporaryFolder(dataPath);
PostgresUnderTest? postgres;
try
{
    postgres = options.Postgres is null ? null : await PostgresUnderTest.CreateAsync(options.Postgres, runId);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

await using var dropDatabase = postgres;
var environment = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["ASPNETCORE_ENVIRONMENT"] = "Production",
    ["Logging__LogLevel__Default"] = "Warning",
    ["Redis__ConnectionString"] = redis?.ConnectionString ?? string.Empty,
    // An existing Redis may hold other data: this run's keys get their own prefix.
    ["Redis__KeyPrefix"] = options.Redis is null ? "cf:" : $"cf-load-{runId}:",
    // Records (SQLite, the embedded default) start empty in a folder of this run's own, removed at the end.
    ["Storage__DataPath"] = dataPath,
};
if (postgres is not null)
{
    environment["Storage__Provider"] = "Postgres";
    environment["ConnectionStrings__ChatFeedback"] = postgres.ConnectionString;
}
channel.Configure(environment);
await using var model = options.ModelDelay is { } modelDelay ? new ModelStub(modelDelay) : null;
if (model is not null)
{
    await model.StartAsync();
    environment["Llm__Endpoint"] = model.Endpoint;
    environment["Llm__Model"] = "load-model";
    environment["Llm__Enabled"] = "true";
    // The stub's fixed delay is the measurement, not a failure: the budget stays above it.
    environment["Llm__Timeout"] = TimeSpan.FromMilliseconds(Math.Max(3000, options.ModelDelay!.Value.TotalMilliseconds * 4)).ToString("c", CultureInfo.InvariantCulture);
}

foreach (var (key, value) in options.ServiceEnvironment)
{
    environment[key] = value;
}

Console.WriteLine($"Starting {serviceDll} on 127.0.0.1:{servicePort} ({(redis is null ? "in-process stores" : "Redis " + redis.ConnectionString)}; records in {(postgres is null ? "SQLite" : "PostgreSQL database " + postgres.Database)}; {channel.Name} stub on 127.0.0.1:{stub.Port})");
using var service = ChildProcess.Start("dotnet", [serviceDll, "--urls", $"http://127.0.0.1:{servicePort}"], environment, Path.GetDirectoryName(serviceDll)!);
var servicePid = service.Id.ToString(CultureInfo.InvariantCulture);

using var http = new HttpClient(new SocketsHttpHandler
{
    UseProxy = false,
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
})
{
    BaseAddress = new Uri($"http://127.0.0.1:{servicePort}"),
    Timeout = Timeout.InfiniteTimeSpan, // each turn has its own --reply-timeout
};
channel.Configure(http);

if (!await WaitForHealthAsync(http, service))
{
    await Console.Error.WriteLineAsync("The service did not become healthy within 60 s. Its last output:");
    await Console.Error.WriteLineAsync(service.Tail());
    return 1;
}

// Chat numbers are new every run, so a reused Redis never hands a customer an old session.
var chatBase = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
var run = new LoadRun(options.MaxTurns);
var customers = Enumerable.Range(0, options.Customers)
    .Select(i => new Customer(i, chatBase, http, channel, run, options.ReplyTimeout, options.Answers, options.Scenario))
    .ToList();

Console.WriteLine($"Healthy. {options.Customers} {channel.Name} customers: {options.Warmup.TotalSeconds:0.#} s warm-up, then {options.Duration.TotalSeconds:0.#} s measured (at most {options.MaxTurns:N0} turns).");
var running = customers.Select(c => Task.Run(c.RunAsync)).ToList();
var allDone = Task.WhenAll(running);

await Task.WhenAny(Task.Delay(options.Warmup), allDone);
var before = await Snapshot.TakeAsync(servicePid, redis, postgres is not null, stub, service, run);
run.Measuring = true;
var clock = Stopwatch.StartNew();
await Task.WhenAny(Task.Delay(options.Duration), run.CapReached.Task, allDone);
run.Measuring = false;
var measured = clock.Elapsed;
var after = await Snapshot.TakeAsync(servicePid, redis, postgres is not null, stub, service, run);

run.Stopping = true;
try
{
    // Each customer finishes its turn in hand, which takes at most --reply-timeout.
    await allDone.WaitAsync(options.ReplyTimeout + TimeSpan.FromSeconds(10));
}
catch (TimeoutException)
{
    await Console.Error.WriteLineAsync("Some customers did not stop in time; reporting what was measured.");
}

var servicePeakKb = service.HasExited ? 0 : ProcStats.StatusKb(servicePid, "VmHWM") ?? 0;
var toolPeakKb = ProcStats.StatusKb("self", "VmHWM") ?? 0;
var serviceThreads = service.HasExited ? 0 : ProcStats.StatusKb(servicePid, "Threads") ?? 0;
if (allDone.IsFaulted)
{
    await Console.Error.WriteLineAsync($"A customer failed: {allDone.Exception}");
}

if (allDone.IsCompleted)
{
    foreach (var customer in customers)
    {
        customer.Dispose();
    }
}

var results = Build(options, customers, before, after, measured, servicePeakKb, toolPeakKb, serviceThreads, redis is not null, postgres is not null, stub, model);
Console.WriteLine();
Console.WriteLine(results.ToTable());
if (Path.GetDirectoryName(Path.GetFullPath(options.Out)) is { } folder)
{
    Directory.CreateDirectory(folder);
}

await File.WriteAllTextAsync(options.Out, results.ToJson());
Console.WriteLine($"Results written to {Path.GetFullPath(options.Out)}");
return results.AllTargetsPass ? 0 : 1;

static LoadResults Build(LoadOptions options, List<Customer> customers, Snapshot before, Snapshot after, TimeSpan measured, long servicePeakKb, long toolPeakKb, long serviceThreads, bool withRedis, bool withPostgres, LoopbackStub stub, ModelStub? model)
{
    var turns = customers.Sum(c => c.Measured.Turns);
    // Counters are divided by the turns completed between the two snapshots (the same window as the counters), which
    // differs from the measured turns only by what completed while a snapshot was being read.
    var perTurn = Math.Max(1, after.Turns - before.Turns);
    var latencies = customers.SelectMany(c => c.Measured.LatenciesMs).ToList();
    var latency = LatencySummary.From(latencies);
    var errors = Errors(customers.Select(c => c.Measured));
    var warmupErrors = Errors(customers.Select(c => c.Warmup));
    var seconds = measured.TotalSeconds;
    var serviceCpu = after.ServiceCpu - before.ServiceCpu;
    var toolCpu = after.ToolCpu - before.ToolCpu;
    var (busy, total) = (after.MachineBusy - before.MachineBusy, after.MachineTotal - before.MachineTotal);

    Dictionary<string, double>? redisByCommand = null;
    double? roundTrips = null, raw = null, processed = null, redisCpu = null;
    if (withRedis)
    {
        var delta = after.RedisCalls!.ToDictionary(p => p.Key, p => p.Value - before.RedisCalls!.GetValueOrDefault(p.Key), StringComparer.Ordinal);
        delta.Remove("info"); // the tool's own snapshots
        raw = delta.Values.Sum() / (double)perTurn;
        // Turns in flight at the window's edges (at most one per customer) add a few commands without their turn, so the
        // figure is compared at two decimals.
        roundTrips = RedisRoundTrips(delta) / (double)perTurn;
        processed = (after.RedisTotalCommands - before.RedisTotalCommands) / (double)perTurn;
        redisByCommand = delta.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => Math.Round(p.Value / (double)perTurn, 3), StringComparer.Ordinal);
        if (after.RedisCpu is { } a && before.RedisCpu is { } b)
        {
            redisCpu = (a - b) * 1000 / perTurn;
        }
    }

    var botApi = after.BotApiCalls.ToDictionary(p => p.Key, p => Math.Round((p.Value - before.BotApiCalls.GetValueOrDefault(p.Key)) / (double)perTurn, 3), StringComparer.Ordinal);
    var tps = turns / seconds;
    var cpuMsPerTurn = serviceCpu * 1000 / perTurn;
    var rssMb = servicePeakKb / 1024.0;
    var c = CultureInfo.InvariantCulture;
    var targets = new List<TargetResult>
    {
        new("throughput", ">= 3,000 turns/s", tps.ToString("N0", c), tps >= 3000),
        new("latency p99", "<= 25 ms", latency.P99Ms.ToString("0.00", c) + " ms", latency.P99Ms <= 25),
        new("service CPU per turn", "<= 0.25 ms", cpuMsPerTurn.ToString("0.000", c) + " ms", cpuMsPerTurn <= 0.25),
        new("Redis round trips per turn", "<= 3", roundTrips?.ToString("0.00", c) ?? "no Redis", roundTrips is { } r ? Math.Round(r, 2) <= 3 : null),
        new("service peak RSS", "<= 150 MB", rssMb.ToString("0.0", c) + " MB", rssMb <= 150),
        new("errors", "0", errors.Total.ToString(c), errors.Total == 0),
    };

    return new LoadResults
    {
        Date = DateTimeOffset.UtcNow,
        Machine = Machine(),
        Runtime = RuntimeInformation.FrameworkDescription,
        CommandLine = string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
        Channel = options.Channel.ToString().ToLowerInvariant(),
        Stores = withRedis ? "Redis" : "in-process",
        Records = withPostgres ? "PostgreSQL" : "SQLite",
        Answers = options.Answers.ToString().ToLowerInvariant(),
        Customers = options.Customers,
        WarmupSeconds = options.Warmup.TotalSeconds,
        MeasuredSeconds = Math.Round(seconds, 3),
        Turns = turns,
        TurnsPerSecond = Math.Round(tps, 1),
        SurveysCompleted = customers.Sum(c => c.Measured.Surveys),
        Scenario = options.Scenario.ToString().ToLowerInvariant(),
        ModelCalls = model?.Calls,
        Latency = latency,
        Errors = errors,
        WarmupErrors = warmupErrors,
        ServiceCpuSeconds = Math.Round(serviceCpu, 2),
        ServiceCpuMsPerTurn = Math.Round(cpuMsPerTurn, 4),
        ServiceCpuSecondsPer1000Turns = Math.Round(cpuMsPerTurn, 4),
        ToolCpuSeconds = Math.Round(toolCpu, 2),
        ToolCpuMsPerTurn = Math.Round(toolCpu * 1000 / perTurn, 4),
        RedisServerCpuMsPerTurn = redisCpu is { } rc ? Math.Round(rc, 4) : null,
        PostgresCpuMsPerTurn = after.PostgresCpu is { } pa && before.PostgresCpu is { } pb ? Math.Round((pa - pb) * 1000 / perTurn, 4) : null,
        MachineBusyPercent = total == 0 ? 0 : Math.Round(100.0 * busy / total, 1),
        ServicePeakRssMb = Math.Round(rssMb, 1),
        ToolPeakRssMb = Math.Round(toolPeakKb / 1024.0, 1),
        ServiceThreads = serviceThreads,
        ServiceContextSwitchesPerTurn = Math.Round((after.ServiceContextSwitches - before.ServiceContextSwitches) / (double)perTurn, 2),
        ServiceLogLinesPerTurn = Math.Round((after.ServiceLogLines - before.ServiceLogLines) / (double)perTurn, 3),
        RedisRoundTripsPerTurn = roundTrips is { } rt ? Math.Round(rt, 3) : null,
        RedisCommandsPerTurnRaw = raw is { } rw ? Math.Round(rw, 3) : null,
        RedisTotalCommandsProcessedPerTurn = processed is { } p ? Math.Round(p, 3) : null,
        RedisCallsPerTurnByCommand = redisByCommand,
        BotApiCallsPerTurn = botApi,
        LateRepliesAtStub = stub.Unrouted,
        Targets = targets,
    };
}

/// <summary>
/// The commands the service sent, from a delta of <c>INFO commandstats</c>. Redis counts the commands a Lua script runs
/// (redis.call) under their own names besides the EVALSHA/EVAL that ran them, and those are not round trips: the turn
/// inbox's add (HEXISTS, HINCRBY, HSET, PEXPIRE, HLEN, and the session's HGETs and the dedupe key's EXISTS when nothing
/// else waits), the session load when the add did not read it (HGET, EXISTS) and save (EXISTS, HGET, HSET,
/// PEXPIRE, SET, and the inbox removal HDEL, HLEN; an empty inbox goes with HDEL, not the DEL the service sends itself).
/// The service never sends any of these itself but SET: the save script admits the message with it (once per saving
/// HSET, which is every script HSET but the inbox add's, one per HINCRBY; only in a script that checks EXISTS first),
/// while the deduplicator's SET NX (a stale press, or a service without dedupe-on-save) is a round trip.
/// </summary>
static double RedisRoundTrips(IReadOnlyDictionary<string, long> delta)
{
    string[] scriptOnly = ["exists", "hexists", "hget", "hset", "hincrby", "hdel", "hlen", "pexpire"];
    var inner = scriptOnly.Sum(command => delta.GetValueOrDefault(command));
    var savingHsets = delta.GetValueOrDefault("hset") - delta.GetValueOrDefault("hincrby");
    var scriptSets = delta.GetValueOrDefault("exists") > 0 ? Math.Clamp(savingHsets, 0, delta.GetValueOrDefault("set")) : 0;
    return delta.Values.Sum() - inner - scriptSets;
}

static ErrorCounts Errors(IEnumerable<CustomerStats> stats)
{
    var list = stats.ToList();
    return new ErrorCounts(list.Sum(s => s.HttpErrors), list.Sum(s => s.Timeouts), list.Sum(s => s.WrongReplies), list.Sum(s => s.UnexpectedReplies));
}

static async Task<bool> WaitForHealthAsync(HttpClient http, ChildProcess service)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromSeconds(60) && !service.HasExited)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), timeout.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // not listening yet
        }

        await Task.Delay(200);
    }

    return false;
}

static string? RepositoryRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ChatFeedback.sln")))
        {
            return dir.FullName;
        }
    }

    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ChatFeedback.sln")))
        {
            return dir.FullName;
        }
    }

    return null;
}

static string Machine()
{
    var model = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;
    var memoryGb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
    return string.Create(CultureInfo.InvariantCulture, $"{model ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {memoryGb:0} GiB, {RuntimeInformation.OSDescription}");
}

/// <summary>The counters read at the start and the end of the measured phase.</summary>
internal sealed record Snapshot(
    double ServiceCpu,
    double ToolCpu,
    double? RedisCpu,
    long MachineBusy,
    long MachineTotal,
    Dictionary<string, long>? RedisCalls,
    long RedisTotalCommands,
    IReadOnlyDictionary<string, long> BotApiCalls,
    long ServiceLogLines,
    long ServiceContextSwitches,
    long Turns,
    double? PostgresCpu)
{
    public static async Task<Snapshot> TakeAsync(string servicePid, RedisUnderTest? redis, bool withPostgres, LoopbackStub stub, ChildProcess service, LoadRun run)
    {
        var calls = redis is null ? null : await redis.CommandCallsAsync();
        var total = redis is null ? 0 : await redis.TotalCommandsAsync();
        var (busy, all) = ProcStats.MachineTicks();
        return new Snapshot(
            ProcStats.CpuSeconds(servicePid),
            ProcStats.CpuSeconds("self"),
            redis?.Pid is { } pid ? ProcStats.CpuSeconds(pid) : null,
            busy,
            all,
            calls,
            total,
            stub.Calls,
            service.Lines,
            ProcStats.ContextSwitches(servicePid),
            run.AllTurns,
            withPostgres ? PostgresUnderTest.CpuSeconds() : null);
    }
}

/// <summary>Deletes the run's data folder when the tool ends (after the service has exited).</summary>
internal sealed class TemporaryFolder(string path) : IDisposable
{
    public void Dispose()
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
