using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ChatFeedback.PurchaseLoad;

// Purchase ingestion and scheduler lag against the real service (SQLite default, Telegram pointed at a local sink):
//   1. POSTs --events purchase events with --clients concurrent HTTP clients and reports events/s;
//   2. POSTs --due purchases timed so their invitations all fall due in one minute, then measures, per chat, the lag
//      from the invitation's due time to its first sendMessage, and checks none is lost or duplicated.
// Usage: dotnet run -c Release --project bench/ChatFeedback.PurchaseLoad -- [--events 100000] [--due 10000] [--clients 32]
//        [--service-dll PATH] (another build of the service, e.g. to compare two versions); --due 0 measures ingestion only.
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "", StringComparer.Ordinal);
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var events = Option("events", 100_000);
var dueCount = Option("due", 10_000);
var clients = Option("clients", 32);

var root = FindRoot();
var botDll = options.TryGetValue("service-dll", out var dll) ? Path.GetFullPath(dll) : Path.Combine(root, "bot", "ChatFeedback.Bot", "bin", "Release", "net10.0", "ChatFeedback.Bot.dll");
if (!File.Exists(botDll))
{
    Console.Error.WriteLine($"Build the service first: dotnet build -c Release bot/ChatFeedback.Bot ({botDll} is missing).");
    return 1;
}

const string ApiKey = "purchase-load-api-key-0123456789";
var data = Directory.CreateTempSubdirectory("chatfeedback-purchaseload-");
await using var sink = await TelegramSink.StartAsync(FreePort());
var servicePort = FreePort();
var service = Process.Start(new ProcessStartInfo("dotnet", [botDll])
{
    WorkingDirectory = data.FullName,
    RedirectStandardOutput = true,
    RedirectStandardError = true,
    Environment =
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{servicePort}",
        ["Storage__DataPath"] = data.FullName,
        ["Flows__Path"] = Path.Combine(root, "dialogs", "flows"),
        ["Api__Keys__0"] = ApiKey,
        ["Telegram__BotToken"] = "123456:BENCH",
        ["Telegram__ApiBaseUrl"] = sink.Url,
        ["Telegram__Mode"] = "Webhook",
        ["Telegram__WebhookUrl"] = "https://bench.invalid/api/telegram",
        ["Telegram__WebhookSecret"] = "bench-secret",
        ["Invitations__QuietHoursStart"] = "00:00:00", // no quiet hours: the due minute is the wall-clock minute
        ["Invitations__QuietHoursEnd"] = "00:00:00",
        ["Logging__LogLevel__Default"] = "Warning",
    },
})!;
var serviceLog = new StreamWriter(Path.Combine(Path.GetTempPath(), "chatfeedback-purchaseload-service.log")) { AutoFlush = true };
service.OutputDataReceived += (_, e) => { if (e.Data is { } line) { lock (serviceLog) { serviceLog.WriteLine(line); } } };
service.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { lock (serviceLog) { serviceLog.WriteLine(line); } } };
service.BeginOutputReadLine();
service.BeginErrorReadLine();
try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri($"http://127.0.0.1:{servicePort}"), Timeout = TimeSpan.FromMinutes(2) };
    http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    await WaitForHealthAsync(http);
    Console.WriteLine($"service up (pid {service.Id}); {Environment.ProcessorCount} cores; data in {data.FullName}");

    // 1. Ingestion: due two hours after "now", so none fires during the run.
    var cpuBefore = CpuSeconds(service.Id);
    var ingest = await PostAllAsync(http, clients, events, i => Purchase($"bulk-{i}", 1_000_000 + i, DateTimeOffset.UtcNow));
    var cpu = CpuSeconds(service.Id) - cpuBefore;
    Console.WriteLine($"ingest: {events} events in {ingest.Elapsed.TotalSeconds:F1} s = {events / ingest.Elapsed.TotalSeconds:F0} events/s " +
        $"(HTTP p50 {ingest.P(0.5):F0} ms, p99 {ingest.P(0.99):F0} ms, failures {ingest.Failures}); " +
        $"service CPU {cpu * 1000 / events:F2} ms/event ({cpu / ingest.Elapsed.TotalSeconds:F2} cores); load average {LoadAverage()}");

    if (dueCount == 0)
    {
        return 0;
    }

    // 2. Lag: purchases timed so that every invitation falls due inside one wall-clock minute.
    var rate = events / ingest.Elapsed.TotalSeconds;
    var start = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(dueCount / rate * 1.5 + 20);
    var minute = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero).AddMinutes(1);
    var dueAt = new Dictionary<long, DateTimeOffset>();
    var dueIngest = await PostAllAsync(http, clients, dueCount, i =>
    {
        var due = minute + TimeSpan.FromMilliseconds(60_000.0 * i / dueCount);
        return Purchase($"due-{i}", 5_000_000 + i, due - TimeSpan.FromHours(2));
    }, (i, accepted) =>
    {
        lock (dueAt)
        {
            dueAt[5_000_000 + i] = accepted.GetProperty("invitation").GetProperty("dueAt").GetDateTimeOffset();
        }
    });
    Console.WriteLine($"due batch: {dueCount} invitations due between {minute:HH:mm:ss} and {minute.AddMinutes(1):HH:mm:ss} UTC, posted in {dueIngest.Elapsed.TotalSeconds:F1} s (failures {dueIngest.Failures})");

    // Wait until every chat got its survey, or nothing has arrived for a minute once the due minute is over.
    while (DateTimeOffset.UtcNow < minute.AddMinutes(1))
    {
        await Task.Delay(1000);
    }

    var lastProgress = DateTime.UtcNow;
    var seen = 0;
    while (seen < dueAt.Count && DateTime.UtcNow - lastProgress < TimeSpan.FromMinutes(1))
    {
        await Task.Delay(1000);
        var now = dueAt.Keys.Count(sink.Sends.ContainsKey);
        if (now != seen)
        {
            (seen, lastProgress) = (now, DateTime.UtcNow);
        }
    }

    await Task.Delay(TimeSpan.FromSeconds(5)); // let trailing messages of the last surveys arrive
    var lags = dueAt.Where(d => sink.Sends.ContainsKey(d.Key)).Select(d => (sink.Sends[d.Key].Min() - d.Value).TotalSeconds).Order().ToList();
    var perChat = dueAt.Keys.Where(sink.Sends.ContainsKey).Select(c => sink.Sends[c].Count).ToList();
    var typical = perChat.Count == 0 ? 0 : perChat.GroupBy(c => c).OrderByDescending(g => g.Count()).First().Key;
    var lastSend = perChat.Count == 0 ? minute : dueAt.Keys.Where(sink.Sends.ContainsKey).Max(c => sink.Sends[c].Max());
    var messages = perChat.Sum();
    Console.WriteLine($"sent: {lags.Count}/{dueAt.Count} surveys ({messages} sendMessage calls, {typical} per survey), lost {dueAt.Count - lags.Count}, " +
        $"duplicated {perChat.Count(c => c > typical)}; last send {(lastSend - minute).TotalSeconds:F0} s after the minute began " +
        $"= {messages / Math.Max(1, (lastSend - minute).TotalSeconds):F1} messages/s");
    Console.WriteLine($"scheduler lag (due -> first sendMessage): p50 {Percentile(lags, 0.5):F1} s, p99 {Percentile(lags, 0.99):F1} s, max {lags.LastOrDefault():F1} s; load average {LoadAverage()}");
    return lags.Count == dueAt.Count && perChat.All(c => c == typical) ? 0 : 2;
}
finally
{
    service.Kill(entireProcessTree: true);
    await service.WaitForExitAsync();
    data.Delete(recursive: true);
}

static object Purchase(string orderId, long chatId, DateTimeOffset purchasedAt) => new
{
    orderId,
    customerId = $"customer-{chatId}",
    channels = new { telegram = new { chatId } },
    locale = chatId % 2 == 0 ? "en" : "zh-CN",
    timeZone = "Asia/Shanghai",
    items = new[] { new { sku = "TEA-01", name = "Longjing tea", quantity = 1, unitPrice = 49.5m } },
    amount = 49.5m,
    currency = "CNY",
    purchasedAt,
};

static async Task<Run> PostAllAsync(HttpClient http, int clients, int count, Func<int, object> body, Action<int, JsonElement>? accepted = null)
{
    var next = -1;
    var latencies = new double[count];
    var failures = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("/api/purchases", body(i));
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref failures);
                continue;
            }

            if (accepted is not null)
            {
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
                accepted(i, json.RootElement.Clone());
            }
        }
    }));
    return new Run(clock.Elapsed, [.. latencies.Order()], failures);
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

static async Task WaitForHealthAsync(HttpClient http)
{
    for (var i = 0; i < 120; i++)
    {
        try
        {
            using var response = await http.GetAsync("/health");
            if (response.IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(500);
    }

    throw new TimeoutException("The service did not become healthy within 60 s.");
}

// utime + stime of the process from /proc (Linux), in seconds; NaN elsewhere.
static double CpuSeconds(int pid)
{
    var stat = $"/proc/{pid}/stat";
    if (!File.Exists(stat))
    {
        return double.NaN;
    }

    var fields = File.ReadAllText(stat).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0; // clock ticks, USER_HZ = 100
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ChatFeedback.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository (no ChatFeedback.sln above the tool).");
}

internal sealed record Run(TimeSpan Elapsed, double[] SortedLatencies, int Failures)
{
    public double P(double p) => SortedLatencies.Length == 0 ? double.NaN : SortedLatencies[Math.Min(SortedLatencies.Length - 1, (int)(p * SortedLatencies.Length))];
}
