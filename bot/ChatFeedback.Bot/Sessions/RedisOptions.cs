using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatFeedback.Bot.Sessions;

/// <summary>The shared Redis connection: <c>Redis:*</c>. No connection string = the in-process stores (embedded default).</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379,password=…,ssl=true</c>; empty = no Redis.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Put in front of every key (see <see cref="RedisKeys"/>) so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "cf:";

    /// <summary>True when sessions, dedupe and links live in Redis.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}

internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var failures = new List<string>();
        if (options.IsConfigured)
        {
            try
            {
                var parsed = ConfigurationOptions.Parse(options.ConnectionString);
                if (parsed.EndPoints.Count == 0)
                {
                    failures.Add($"{RedisOptions.SectionName}:ConnectionString names no server; expected host:port, e.g. localhost:6379.");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
            {
                // The message, not the value: the value may hold a password.
                failures.Add($"{RedisOptions.SectionName}:ConnectionString is not a valid StackExchange.Redis configuration string: {ex.Message}");
            }
        }

        // Braces would move the Redis Cluster hash tag off the conversation key (see RedisKeys).
        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Any(c => char.IsWhiteSpace(c) || c is '{' or '}'))
        {
            failures.Add($"{RedisOptions.SectionName}:KeyPrefix must be non-empty without spaces or braces, e.g. cf: (was '{options.KeyPrefix}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
