using BenchmarkDotNet.Running;
using ChatFeedback.Benchmarks;

// `dotnet run -c Release --project bench/ChatFeedback.Benchmarks -- --filter '*'` (see bench/README.md).
// Benchmarks run in child processes with another working directory: pass them an absolute flow folder.
if (Environment.GetEnvironmentVariable(BenchmarkFlows.PathVariable) is { Length: > 0 } flows)
{
    Environment.SetEnvironmentVariable(BenchmarkFlows.PathVariable, Path.GetFullPath(flows));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
