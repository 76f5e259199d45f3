using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Bot.Api;

/// <summary>
/// Lets a request through when it carries one of <c>Api:Keys</c> in <c>X-Api-Key</c>; otherwise 401 problem
/// details. Keys are compared as SHA-256 digests in constant time, so neither content nor length leaks.
/// </summary>
public sealed class ApiKeyFilter(IOptionsMonitor<ApiKeyOptions> options) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var presented = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (presented.Length == 0 || !Accepts(presented))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "API key required",
                detail: $"Send a valid key in the {HeaderName} header.");
        }

        return await next(context);
    }

    private bool Accepts(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var accepted = false;
        foreach (var key in options.CurrentValue.Keys)
        {
            // No early exit: every key is compared, so timing says nothing about which one matched.
            accepted |= CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim())));
        }

        return accepted;
    }
}

public static class ApiKeyExtensions
{
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        builder.Services.AddSingleton<ApiKeyFilter>();
        return builder;
    }

    /// <summary>Requires an API key on every endpoint of the group.</summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.AddEndpointFilter<ApiKeyFilter>();
        return group;
    }
}
