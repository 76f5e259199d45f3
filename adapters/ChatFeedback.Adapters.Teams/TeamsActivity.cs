using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFeedback.Adapters.Teams;

/// <summary>
/// The parts of a Bot Framework Activity this channel reads. Tolerant by design: unknown fields are ignored and the
/// parts Teams keeps extending (<c>channelData</c>, <c>value</c>, <c>entities</c>) stay raw JSON.
/// </summary>
public sealed record TeamsActivity
{
    public string? Type { get; init; }

    public string? Id { get; init; }

    /// <summary>ISO 8601 as sent; parsed leniently by the mapper.</summary>
    public string? Timestamp { get; init; }

    public string? ServiceUrl { get; init; }

    public string? ChannelId { get; init; }

    public TeamsChannelAccount? From { get; init; }

    public TeamsConversationAccount? Conversation { get; init; }

    public TeamsChannelAccount? Recipient { get; init; }

    public string? Text { get; init; }

    public string? TextFormat { get; init; }

    public string? Locale { get; init; }

    public string? ReplyToId { get; init; }

    /// <summary>For <c>invoke</c>: <c>adaptiveCard/action</c>, <c>task/fetch</c>…</summary>
    public string? Name { get; init; }

    /// <summary>For <c>installationUpdate</c>: <c>add</c>, <c>remove</c>, <c>add-upgrade</c>…</summary>
    public string? Action { get; init; }

    public JsonElement? Value { get; init; }

    public JsonElement? ChannelData { get; init; }

    public JsonElement? Entities { get; init; }

    public IReadOnlyList<TeamsChannelAccount>? MembersAdded { get; init; }

    public IReadOnlyList<TeamsChannelAccount>? MembersRemoved { get; init; }
}

public sealed record TeamsChannelAccount
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? AadObjectId { get; init; }
}

public sealed record TeamsConversationAccount
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    /// <summary><c>personal</c>, <c>groupChat</c> or <c>channel</c>.</summary>
    public string? ConversationType { get; init; }

    public string? TenantId { get; init; }

    public bool? IsGroup { get; init; }
}

/// <summary>The channel's own JSON settings: camelCase, tolerant, never the host's global options.</summary>
public static class TeamsJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
