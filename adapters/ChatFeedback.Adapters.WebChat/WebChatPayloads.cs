using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFeedback.Adapters.WebChat;

/// <summary>Body of <c>POST /api/webchat/conversations</c>; every field optional.</summary>
public sealed record WebChatOpenRequest(string? Locale);

/// <summary>Answer to opening a conversation: the id and the bearer token for it.</summary>
public sealed record WebChatOpenResponse(string ConversationId, string Token, string? Locale);

/// <summary>Body of <c>POST .../messages</c>: exactly one of <see cref="Text"/> and <see cref="Button"/>.</summary>
/// <param name="Id">The client's id for the message; a retry carries the same id and is answered <c>duplicate</c>.</param>
public sealed record WebChatPostRequest(string? Id, string? Text, WebChatButtonPayload? Button);

/// <summary>A pressed button: the question it belonged to and the option's value.</summary>
public sealed record WebChatButtonPayload(string? QuestionId, string? Value);

/// <summary>Acknowledgement of a posted message.</summary>
/// <param name="Status"><c>queued</c>, <c>duplicate</c> or <c>ignored</c>.</param>
public sealed record WebChatPostResponse(string Id, string Status);

/// <summary>One outbound message as the browser receives it.</summary>
public sealed record WebChatMessageDto(long Seq, string Text, WebChatQuestionDto? Question, DateTimeOffset SentAt);

/// <summary>A question's buttons.</summary>
/// <param name="Kind"><c>choice</c>, <c>rating</c>, <c>yesNo</c> or <c>freeText</c>.</param>
public sealed record WebChatQuestionDto(string Id, string Kind, IReadOnlyList<WebChatOptionDto> Options, bool Skippable);

public sealed record WebChatOptionDto(string Value, string Label);

/// <summary>
/// The web chat's wire format, source-generated: camelCase, no trailing commas or comments, numbers only as numbers,
/// so what the README documents is exactly what is accepted.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 8)]
[JsonSerializable(typeof(WebChatOpenRequest))]
[JsonSerializable(typeof(WebChatOpenResponse))]
[JsonSerializable(typeof(WebChatPostRequest))]
[JsonSerializable(typeof(WebChatPostResponse))]
[JsonSerializable(typeof(WebChatMessageDto))]
[JsonSerializable(typeof(IReadOnlyList<WebChatMessageDto>))]
public sealed partial class WebChatJsonContext : JsonSerializerContext;
