using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(ChatFeedback.Bot.Tests.Support.PostgresServerFixture))]

namespace ChatFeedback.Bot.Tests.Support;

/// <summary>
/// A real PostgreSQL on loopback, shared by the test assembly: <c>CHATFEEDBACK_TEST_POSTGRES</c> when set (a
/// connection string for a user who may CREATE DATABASE), else a private cluster made with Debian's <c>initdb</c> in a
/// temp folder and started on a free port (as the <c>postgres</c> user when the tests run as root, since PostgreSQL
/// refuses to run as root), stopped and deleted afterwards. Without either the tests skip, or fail when
/// <c>CHATFEEDBACK_REQUIRE_SERVICES=1</c>. Each test class takes a fresh database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "CHATFEEDBACK_TEST_POSTGRES";
    private const string NotInstalled = "PostgreSQL not installed: apt-get install postgresql";
    private const string ServiceUser = "postgres";
    private const string TestUser = "chatfeedback";

    private string? _adminConnectionString;
    private string? _dataDirectory;
    private string? _binaries;
    private bool _asServiceUser;

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            _adminConnectionString = configured;
        }
        else if (FindBinaries() is { } binaries)
        {
            _binaries = binaries;
            _adminConnectionString = await StartClusterAsync();
        }
        else
        {
            return;
        }

        // It answers, or the fixture (and every PostgreSQL test) fails here.
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
    }

    /// <summary>Skips the test when there is no server, unless CI demands one (<c>CHATFEEDBACK_REQUIRE_SERVICES=1</c>).</summary>
    public void RequireServer()
    {
        if (_adminConnectionString is not null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(RedisServerFixture.RequireServicesVariable) == "1")
        {
            Assert.Fail($"{NotInstalled} (or set {ConnectionStringVariable}); {RedisServerFixture.RequireServicesVariable}=1 makes this a failure.");
        }

        Assert.Skip(NotInstalled);
    }

    /// <summary>A new, empty database of its own; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        RequireServer();
        var name = $"cf_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (a shared server should not fill up).</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        if (_adminConnectionString is null)
        {
            return;
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDirectory is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await RunAsync(Tool("pg_ctl"), ["stop", "-D", _dataDirectory, "-m", "immediate", "-w"], allowFailure: true);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp folder is harmless
        }
    }

    private async Task<string> StartClusterAsync()
    {
        _asServiceUser = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";
        if (_asServiceUser && FindOnPath("runuser") is null)
        {
            throw new InvalidOperationException("The tests run as root, and PostgreSQL will not: runuser (util-linux) is needed to start it as the postgres user.");
        }

        // initdb creates the folder itself, owned by whoever runs it; /tmp lets the postgres user do that.
        _dataDirectory = Path.Combine(Path.GetTempPath(), $"chatfeedback-pg-{Guid.NewGuid():N}");
        await RunAsync(Tool("initdb"), ["-D", _dataDirectory, "-U", TestUser, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);

        // A free port can be taken between choosing and binding it: then the start fails and another port is tried.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort().ToString(CultureInfo.InvariantCulture);
            var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={_dataDirectory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
            var log = Path.Combine(_dataDirectory, "server.log");
            if (await RunAsync(Tool("pg_ctl"), ["start", "-D", _dataDirectory, "-w", "-t", "60", "-l", log, "-o", options], allowFailure: true))
            {
                return $"Host=127.0.0.1;Port={port};Username={TestUser};Database=postgres;Maximum Pool Size=20;Timeout=30";
            }

            if (attempt == 3)
            {
                throw new InvalidOperationException($"PostgreSQL did not start on a free loopback port after {attempt} attempts; see {log}.");
            }
        }
    }

    private string Tool(string name) => Path.Combine(_binaries!, name);

    /// <summary>Runs a PostgreSQL tool (as the postgres user when we are root); false or an exception when it fails.</summary>
    private async Task<bool> RunAsync(string tool, IEnumerable<string> arguments, bool allowFailure = false)
    {
        var startInfo = new ProcessStartInfo(_asServiceUser ? FindOnPath("runuser")! : tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (_asServiceUser)
        {
            foreach (var argument in new[] { "-u", ServiceUser, "--", tool })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode == 0 || allowFailure)
        {
            return process.ExitCode == 0;
        }

        throw new InvalidOperationException($"{Path.GetFileName(tool)} failed ({process.ExitCode}): {await error}{await output}");
    }

    /// <summary>Debian keeps the server programs in /usr/lib/postgresql/VERSION/bin, off PATH; the newest wins.</summary>
    private static string? FindBinaries()
    {
        if (FindOnPath("initdb") is { } initdb && File.Exists(Path.Combine(Path.GetDirectoryName(ResolveLink(initdb))!, "pg_ctl")))
        {
            return Path.GetDirectoryName(ResolveLink(initdb));
        }

        const string debian = "/usr/lib/postgresql";
        return Directory.Exists(debian)
            ? Directory.EnumerateDirectories(debian)
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0, Bin: Path.Combine(d, "bin")))
                .Where(d => File.Exists(Path.Combine(d.Bin, "initdb")) && File.Exists(Path.Combine(d.Bin, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Bin)
                .FirstOrDefault()
            : null;
    }

    private static string ResolveLink(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") + ":/usr/sbin:/sbin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
