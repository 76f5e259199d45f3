using System.Text.Json.Serialization;
using ChatFeedback.Adapters;

namespace ChatFeedback.Bot.Sessions;

/// <summary>What a Redis session hash keeps besides the version and the dialog state (field <c>m</c>).</summary>
internal sealed record SessionMetadata(ConversationAddress Address, bool OptedOut, DateTimeOffset UpdatedAt);

/// <summary>Compact JSON for the Redis stores: camelCase, nulls left out, no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionMetadata))]
[JsonSerializable(typeof(SurveyLink))]
[JsonSerializable(typeof(StoredTranscriptEntry))]
[JsonSerializable(typeof(InboxEntry))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;
