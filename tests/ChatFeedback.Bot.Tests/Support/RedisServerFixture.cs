using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ChatFeedback.Bot.Sessions;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Tests.Support;

/// <summary>
/// The Redis tests share one server and run one after another (so INFO commandstats deltas are theirs alone):
/// put a class in this collection and take <see cref="RedisServerFixture"/> in its constructor.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisTestGroup : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "Redis";
}

/// <summary>The Redis Cluster tests: like <see cref="RedisTestGroup"/>, on <see cref="RedisClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterTestGroup : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "RedisCluster";
}

/// <summary>
/// A real Redis on loopback: <c>CHATFEEDBACK_REDIS</c> when set (a StackExchange.Redis connection string), else a
/// private <c>redis-server</c> started on a free port and killed afterwards. Without either, the Redis tests skip —
/// or fail when <c>CHATFEEDBACK_REQUIRE_SERVICES=1</c> (CI). Tests isolate themselves with <see cref="NewKeys"/>.
/// </summary>
public class RedisServerFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "CHATFEEDBACK_REDIS";
    public const string RequireServicesVariable = "CHATFEEDBACK_REQUIRE_SERVICES";
    private const string NotInstalled = "redis-server not installed: apt-get install redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly bool _cluster;
    private readonly string _variable;
    private Process? _server;
    private TempDirectory? _folder;
    private ConnectionMultiplexer? _connection;
    private string? _connectionString;

    public RedisServerFixture()
        : this(cluster: false, ConnectionStringVariable)
    {
    }

    /// <param name="cluster">Start the private server as a one-node Redis Cluster owning every slot.</param>
    /// <param name="variable">The environment variable that names an existing server instead.</param>
    protected RedisServerFixture(bool cluster, string variable)
    {
        _cluster = cluster;
        _variable = variable;
    }

    /// <summary>The connection string of the server under test; skips the test when there is none.</summary>
    public string ConnectionString
    {
        get
        {
            RequireServer();
            return _connectionString!;
        }
    }

    /// <summary>A connection the tests share (admin commands allowed); skips the test when there is no server.</summary>
    public IConnectionMultiplexer Connection
    {
        get
        {
            RequireServer();
            return _connection!;
        }
    }

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(_variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _connectionString = configured;
        }
        else if (FindOnPath("redis-server") is { } binary)
        {
            _connectionString = await StartServerAsync(binary);
        }
        else
        {
            return;
        }

        _connection = await ConnectAsync();
        await _connection.GetDatabase().PingAsync(); // it answers, or the fixture (and every Redis test) fails here
    }

    /// <summary>Skips the test when no Redis is available, unless CI demands one (<c>CHATFEEDBACK_REQUIRE_SERVICES=1</c>).</summary>
    public void RequireServer()
    {
        if (_connectionString is not null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(RequireServicesVariable) == "1")
        {
            Assert.Fail($"{NotInstalled} (or set {_variable}); {RequireServicesVariable}=1 makes this a failure.");
        }

        Assert.Skip(NotInstalled);
    }

    /// <summary>Another, independent connection to the same server: what a second instance of the service would have.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync()
    {
        RequireServer();
        var options = ConfigurationOptions.Parse(_connectionString!);
        options.AllowAdmin = true;
        options.ClientName = "chatfeedback-tests";
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Keys under a prefix no other test uses.</summary>
    public static RedisKeys NewKeys() => new($"cf-test:{Guid.NewGuid():N}:");

    /// <summary>
    /// Redis keeps its own clock, which a fake <see cref="TimeProvider"/> cannot move: this ages one key instead, by
    /// shortening its TTL (or deleting it once the TTL would have run out). A key without a TTL fails the test.
    /// </summary>
    public async Task AgeKeyAsync(RedisKey key, TimeSpan elapsed)
    {
        var database = Connection.GetDatabase();
        if (!await database.KeyExistsAsync(key))
        {
            return;
        }

        var ttl = await database.KeyTimeToLiveAsync(key);
        Assert.True(ttl.HasValue, $"{key} has no TTL: every key must expire");
        var remaining = ttl.Value - elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await database.KeyExpireAsync(key, remaining);
        }
        else
        {
            await database.KeyDeleteAsync(key);
        }
    }

    /// <summary>How often the server has run each command (<c>INFO commandstats</c>), by lower-case command name.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CommandCallsAsync()
    {
        var server = Connection.GetServers()[0];
        var raw = await server.InfoRawAsync("commandstats");
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in raw!.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
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

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_server is not null)
        {
            StopServer(_server);
        }

        _folder?.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<string> StartServerAsync(string binary)
    {
        // A free port can be taken between choosing and binding it: then the server exits and another port is tried.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            _folder ??= new TempDirectory();
            var server = StartProcess(binary, port, _cluster ? _folder.Path : null, out var ready, out var clusterOk);
            var outcome = await Task.WhenAny(ready.Task, server.WaitForExitAsync()).WaitAsync(StartTimeout);
            if (outcome == ready.Task && await ready.Task)
            {
                _server = server;
                if (_cluster)
                {
                    await AssignEverySlotAsync(port, clusterOk.Task);
                }

                return $"127.0.0.1:{port}";
            }

            StopServer(server);
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not start on a free loopback port after {attempt} attempts.");
            }
        }
    }

    /// <summary>
    /// Makes the one node own all 16384 slots and waits for the server's own "cluster state ok" line (it settles on
    /// its next cluster tick, within a second or two), so no test meets CLUSTERDOWN.
    /// </summary>
    private static async Task AssignEverySlotAsync(int port, Task<bool> clusterOk)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        options.AllowAdmin = true;
        await using (var setup = await ConnectionMultiplexer.ConnectAsync(options))
        {
            await setup.GetServers()[0].ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        }

        if (!await clusterOk.WaitAsync(StartTimeout))
        {
            throw new InvalidOperationException("redis-server did not report cluster state ok after its slots were assigned.");
        }
    }

    private static Process StartProcess(string binary, int port, string? clusterFolder, out TaskCompletionSource<bool> ready, out TaskCompletionSource<bool> clusterOk)
    {
        var startInfo = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (clusterFolder is not null)
        {
            // A node of its own: its cluster state file goes to a private folder, one per port (a retry starts afresh).
            // It announces its loopback address, as a node of a real cluster does its own: a lone node otherwise lists
            // itself without an address in CLUSTER NODES, and the client adds that unreachable ":port" as another server.
            foreach (var argument in new[] { "--cluster-enabled", "yes", "--cluster-config-file", $"nodes-{port.ToString(CultureInfo.InvariantCulture)}.conf", "--dir", clusterFolder, "--cluster-announce-ip", "127.0.0.1" })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        // The server's own signal that it listens, rather than a guess at how long starting takes.
        var signal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                signal.TrySetResult(false);
                state.TrySetResult(false);
            }
            else if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                signal.TrySetResult(true);
            }
            else if (e.Data.Contains("Cluster state changed: ok", StringComparison.Ordinal))
            {
                state.TrySetResult(true);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ready = signal;
        clusterOk = state;
        return process;
    }

    private static void StopServer(Process server)
    {
        try
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        finally
        {
            server.Dispose();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>
/// A real Redis Cluster on loopback, as small as one can be: <c>CHATFEEDBACK_REDIS_CLUSTER</c> when set, else a private
/// <c>redis-server --cluster-enabled yes</c> whose one node owns every slot. It hashes keys to slots and refuses a
/// script whose keys are in different slots (CROSSSLOT), which is what the key scheme must survive.
/// </summary>
public sealed class RedisClusterFixture() : RedisServerFixture(cluster: true, ClusterConnectionStringVariable)
{
    public const string ClusterConnectionStringVariable = "CHATFEEDBACK_REDIS_CLUSTER";
}
