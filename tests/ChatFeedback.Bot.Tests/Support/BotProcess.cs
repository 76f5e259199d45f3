using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace ChatFeedback.Bot.Tests.Support;

/// <summary>How a run of the built executable ended.</summary>
internal sealed record ProcessResult(int ExitCode, string Output, string Error);

/// <summary>
/// The built service (<c>bot/ChatFeedback.Bot/bin/&lt;configuration&gt;/net10.0/ChatFeedback.Bot.dll</c>) run as a real
/// process with <c>dotnet</c>, from a working directory of the test's choosing: what a person at a terminal gets.
/// </summary>
internal static class BotProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The executable's own build output (the test's configuration), not the copy in the test's folder.</summary>
    public static string Dll
    {
        get
        {
            var configuration = typeof(BotProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var dll = Path.Combine(RepoPaths.Root, "bot", "ChatFeedback.Bot", "bin", configuration, "net10.0", "ChatFeedback.Bot.dll");
            Assert.True(File.Exists(dll), $"{dll} is not built");
            return dll;
        }
    }

    /// <summary>Runs the executable to its end (it must end within a minute) and returns its exit code and output.</summary>
    public static async Task<ProcessResult> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args, out var output, out var error);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet ChatFeedback.Bot.dll {string.Join(' ', args)} did not end within {Limit} (it started the service?)\n{output}\n{error}");
        }

        return new ProcessResult(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Starts the service and returns once it says where it listens ("Now listening on: …", a signal, not a delay);
    /// disposing kills it.
    /// </summary>
    public static async Task<RunningBot> StartServiceAsync(string workingDirectory, params string[] args)
    {
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Start(workingDirectory, args, out var output, out var error, line =>
        {
            const string Marker = "Now listening on: ";
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(line[(at + Marker.Length)..].Trim());
            }
        });
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The service exited with {process.ExitCode}:\n{output}\n{error}"));
        try
        {
            var url = await listening.Task.WaitAsync(Limit, TestContext.Current.CancellationToken);
            return new RunningBot(process, new Uri(url), output);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something accepts connections on the loopback port.</summary>
    public static async Task<bool> ListensAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Process Start(string workingDirectory, string[] args, out StringBuilder output, out StringBuilder error, Action<string>? onOutput = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The environment of a person at a terminal: no test host settings leaking in.
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        info.Environment["DOTNET_NOLOGO"] = "1";

        var stdout = output = new StringBuilder();
        var stderr = error = new StringBuilder();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (stdout)
                {
                    stdout.AppendLine(line);
                }

                onOutput?.Invoke(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                }
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}

/// <summary>The service running as a process; disposing kills it.</summary>
internal sealed class RunningBot(Process process, Uri url, StringBuilder output) : IDisposable
{
    public Uri Url { get; } = url;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public void Dispose()
    {
        BotProcess.Kill(process);
        process.Dispose();
    }
}
