using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFeedback.LoadTool;

public sealed record LatencySummary(double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary From(List<double> latencies)
    {
        ArgumentNullException.ThrowIfNull(latencies);
        if (latencies.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        latencies.Sort();
        double At(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        return new LatencySummary(At(0.50), At(0.90), At(0.99), latencies[^1], latencies.Average());
    }
}

public sealed record ErrorCounts(long Http, long Timeouts, long WrongReplies, long UnexpectedReplies)
{
    public long Total => Http + Timeouts + WrongReplies + UnexpectedReplies;
}

public sealed record TargetResult(string Name, string Target, string Value, bool? Pass);

/// <summary>Everything one run measured; written as JSON and printed as a table.</summary>
public sealed record LoadResults
{
    public required DateTimeOffset Date { get; init; }

    public required string Machine { get; init; }

    public required string Runtime { get; init; }

    public required string CommandLine { get; init; }

    public required string Channel { get; init; }

    public required string Stores { get; init; }

    /// <summary>Where the service keeps its records: SQLite (a file in the run's temp folder) or PostgreSQL (<c>--postgres</c>).</summary>
    public required string Records { get; init; }

    public required string Answers { get; init; }

    public required int Customers { get; init; }

    public required double WarmupSeconds { get; init; }

    public required double MeasuredSeconds { get; init; }

    public required long Turns { get; init; }

    public required double TurnsPerSecond { get; init; }

    public required long SurveysCompleted { get; init; }

    /// <summary><c>survey</c> or <c>complaints</c>: what the customers did.</summary>
    public string Scenario { get; init; } = "survey";

    /// <summary>Calls the language-model stub answered over the whole run (null = no model).</summary>
    public long? ModelCalls { get; init; }

    public required LatencySummary Latency { get; init; }

    public required ErrorCounts Errors { get; init; }

    public required ErrorCounts WarmupErrors { get; init; }

    public required double ServiceCpuSeconds { get; init; }

    public required double ServiceCpuMsPerTurn { get; init; }

    public required double ServiceCpuSecondsPer1000Turns { get; init; }

    public required double ToolCpuSeconds { get; init; }

    public required double ToolCpuMsPerTurn { get; init; }

    public double? RedisServerCpuMsPerTurn { get; init; }

    /// <summary>CPU of the PostgreSQL server and its backends per turn, with <c>--postgres</c>.</summary>
    public double? PostgresCpuMsPerTurn { get; init; }

    public required double MachineBusyPercent { get; init; }

    public required double ServicePeakRssMb { get; init; }

    public required double ToolPeakRssMb { get; init; }

    public required double ServiceLogLinesPerTurn { get; init; }

    /// <summary>Threads of the service at the end of the run.</summary>
    public required long ServiceThreads { get; init; }

    /// <summary>Voluntary + involuntary context switches of all the service's threads, per turn.</summary>
    public required double ServiceContextSwitchesPerTurn { get; init; }

    /// <summary>Commands the service sent to Redis per turn: <see cref="RedisCommandsPerTurnRaw"/> less the commands its Lua scripts ran.</summary>
    public double? RedisRoundTripsPerTurn { get; init; }

    /// <summary>Every <c>INFO commandstats</c> call counted, the scripts' inner HGET/HSET/PEXPIRE/HINCRBY… included.</summary>
    public double? RedisCommandsPerTurnRaw { get; init; }

    /// <summary><c>total_commands_processed</c> delta per turn.</summary>
    public double? RedisTotalCommandsProcessedPerTurn { get; init; }

    public IReadOnlyDictionary<string, double>? RedisCallsPerTurnByCommand { get; init; }

    public required IReadOnlyDictionary<string, double> BotApiCallsPerTurn { get; init; }

    public required long LateRepliesAtStub { get; init; }

    public required IReadOnlyList<TargetResult> Targets { get; init; }

    public bool AllTargetsPass => Targets.All(t => t.Pass != false);

    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"ChatFeedback load test: {Customers} {Channel} customers ({Answers} answers), {Stores} stores, {Records} records, {MeasuredSeconds:0.0} s measured after {WarmupSeconds:0.#} s warm-up");
        s.AppendLine(c, $"  {Machine}; {Runtime}");
        s.AppendLine(c, $"  turns                 {Turns,12:N0}   ({SurveysCompleted:N0} {(Scenario == "complaints" ? "complaints filed" : "surveys completed")}{(ModelCalls is { } calls ? $"; {calls:N0} model calls in the whole run" : "")})");
        s.AppendLine(c, $"  turns/s               {TurnsPerSecond,12:N0}");
        s.AppendLine(c, $"  latency p50/p90/p99   {Latency.P50Ms,8:0.00} / {Latency.P90Ms:0.00} / {Latency.P99Ms:0.00} ms   max {Latency.MaxMs:0.00} ms, mean {Latency.MeanMs:0.00} ms");
        s.AppendLine(c, $"  errors                {Errors.Total,12:N0}   (http {Errors.Http}, timeouts {Errors.Timeouts}, wrong {Errors.WrongReplies}, unexpected {Errors.UnexpectedReplies}; warm-up {WarmupErrors.Total}; late replies at stub {LateRepliesAtStub})");
        s.AppendLine(c, $"  service CPU           {ServiceCpuMsPerTurn,12:0.000} ms/turn   ({ServiceCpuSecondsPer1000Turns:0.000} s per 1,000 turns; {ServiceCpuSeconds:0.00} s = {ServiceCpuSeconds / MeasuredSeconds:0.00} cores)");
        s.AppendLine(c, $"  tool CPU              {ToolCpuMsPerTurn,12:0.000} ms/turn   ({ToolCpuSeconds:0.00} s = {ToolCpuSeconds / MeasuredSeconds:0.00} cores)");
        if (RedisServerCpuMsPerTurn is { } redisCpu)
        {
            s.AppendLine(c, $"  redis-server CPU      {redisCpu,12:0.000} ms/turn");
        }

        if (PostgresCpuMsPerTurn is { } postgresCpu)
        {
            s.AppendLine(c, $"  postgres CPU          {postgresCpu,12:0.000} ms/turn   (server and backends)");
        }

        s.AppendLine(c, $"  machine busy          {MachineBusyPercent,11:0.0} %   (all cores)");
        s.AppendLine(c, $"  service peak RSS      {ServicePeakRssMb,12:0.0} MB   (tool {ToolPeakRssMb:0.0} MB)");
        s.AppendLine(c, $"  service log lines     {ServiceLogLinesPerTurn,12:0.000} per turn");
        s.AppendLine(c, $"  service ctx switches  {ServiceContextSwitchesPerTurn,12:0.00} per turn   ({ServiceThreads} threads)");
        if (RedisRoundTripsPerTurn is { } trips)
        {
            var byCommand = string.Join(", ", (RedisCallsPerTurnByCommand ?? new Dictionary<string, double>()).OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:0.00}"));
            s.AppendLine(c, $"  redis round trips     {trips,12:0.00} /turn   (raw commandstats {RedisCommandsPerTurnRaw:0.00}, total_commands_processed {RedisTotalCommandsProcessedPerTurn:0.00}; {byCommand})");
        }

        s.AppendLine(c, $"  channel calls/turn    {string.Join(", ", BotApiCallsPerTurn.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:0.00}"))}");
        s.AppendLine();
        s.AppendLine("  target                              goal             measured      result");
        foreach (var t in Targets)
        {
            var verdict = t.Pass switch { true => "PASS", false => "FAIL", null => "n/a" };
            s.AppendLine(c, $"  {t.Name,-35} {t.Target,-16} {t.Value,-13} {verdict}");
        }

        return s.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(this, LoadReportJsonContext.Default.LoadResults);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LoadResults))]
internal sealed partial class LoadReportJsonContext : JsonSerializerContext;
