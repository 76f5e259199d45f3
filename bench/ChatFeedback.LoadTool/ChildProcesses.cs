using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace ChatFeedback.LoadTool;

/// <summary>A process the tool started and kills when done; its output is drained, counted and the tail kept for errors.</summary>
public sealed class ChildProcess : IDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private long _lines;

    private ChildProcess(Process process, Action<string>? onLine)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Collect(e.Data, onLine);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data, onLine);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Lines the process wrote to stdout and stderr so far (the service's log volume).</summary>
    public long Lines => Interlocked.Read(ref _lines);

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string>> environment, string workingDirectory, Action<string>? onLine = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process, onLine);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    private void Collect(string? line, Action<string>? onLine)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _lines);
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }

        onLine?.Invoke(line);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        finally
        {
            _process.Dispose();
        }
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>CPU time and peak memory of a process from <c>/proc</c> (Linux), and the machine's busy time.</summary>
public static class ProcStats
{
    /// <summary>Clock ticks per second of <c>/proc/*/stat</c> times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User + system CPU seconds of <paramref name="pid"/> (<c>self</c> for this process).</summary>
    public static double CpuSeconds(string pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name may hold spaces and parentheses: fields are counted after the last ')'. utime and stime are
        // fields 14 and 15, i.e. the 12th and 13th after the name.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>A <c>/proc/{pid}/status</c> field in kB (VmHWM = peak RSS, VmRSS = now), or null.</summary>
    public static long? StatusKb(string pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Context switches (voluntary + involuntary) summed over the threads of <paramref name="pid"/>.</summary>
    public static long ContextSwitches(string pid)
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // the thread ended while we looked
            }
        }

        return total;
    }

    /// <summary>The machine's (busy, total) CPU ticks over all cores, from <c>/proc/stat</c>.</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long total = 0;
        for (var i = 1; i < fields.Length; i++)
        {
            total += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        var idle = long.Parse(fields[4], CultureInfo.InvariantCulture) + long.Parse(fields[5], CultureInfo.InvariantCulture);
        return (total - idle, total);
    }
}

/// <summary>The Redis the service uses: a private <c>redis-server</c> on a free loopback port, or one given with <c>--redis</c>.</summary>
public sealed class RedisUnderTest : IAsyncDisposable
{
    private ChildProcess? _server;
    private ConnectionMultiplexer? _admin;

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The redis-server's pid (from INFO server), for its CPU time.</summary>
    public string? Pid { get; private set; }

    public static async Task<RedisUnderTest> StartAsync(string? existing)
    {
        var redis = new RedisUnderTest();
        if (existing is not null)
        {
            redis.ConnectionString = existing;
        }
        else
        {
            var binary = ChildProcess.FindOnPath("redis-server")
                ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server); or pass --redis HOST:PORT or --no-redis.");
            for (var attempt = 1; redis._server is null; attempt++)
            {
                var port = ChildProcess.FreeLoopbackPort();
                var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var server = ChildProcess.Start(
                    binary,
                    ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                    [],
                    Path.GetTempPath(),
                    line =>
                    {
                        if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                        {
                            ready.TrySetResult();
                        }
                    });
                var started = await Task.WhenAny(ready.Task, server.WaitForExitAsync(CancellationToken.None), Task.Delay(TimeSpan.FromSeconds(15)));
                if (started == ready.Task)
                {
                    redis._server = server;
                    redis.ConnectionString = $"127.0.0.1:{port}";
                }
                else
                {
                    server.Dispose();
                    if (attempt == 3)
                    {
                        throw new InvalidOperationException($"redis-server did not start on a free loopback port after {attempt} attempts.");
                    }
                }
            }
        }

        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AllowAdmin = true;
        options.ClientName = "chatfeedback-loadtool";
        redis._admin = await ConnectionMultiplexer.ConnectAsync(options);
        var info = await redis.Server.InfoRawAsync("server");
        redis.Pid = Field(info, "process_id");
        return redis;
    }

    private IServer Server => _admin!.GetServers()[0];

    /// <summary>Calls per command name (<c>INFO commandstats</c>), lower case, e.g. <c>evalsha</c>, <c>hmget</c>, <c>hset</c>.</summary>
    public async Task<Dictionary<string, long>> CommandCallsAsync()
    {
        var raw = await Server.InfoRawAsync("commandstats") ?? string.Empty;
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in raw.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // cmdstat_hmget:calls=1,usec=4,usec_per_call=4.00,rejected_calls=0,failed_calls=0
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var callsField = line[(colon + 1)..].Split(',')[0];
            calls[line["cmdstat_".Length..colon]] = long.Parse(callsField["calls=".Length..], CultureInfo.InvariantCulture);
        }

        return calls;
    }

    /// <summary><c>total_commands_processed</c> from INFO stats.</summary>
    public async Task<long> TotalCommandsAsync() =>
        long.Parse(Field(await Server.InfoRawAsync("stats"), "total_commands_processed") ?? "0", CultureInfo.InvariantCulture);

    private static string? Field(string? info, string name)
    {
        foreach (var line in (info ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..];
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        _server?.Dispose();
    }
}
