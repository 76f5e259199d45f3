namespace ChatFeedback.Adapters.Telegram;

/// <summary>
/// A command shown in the Telegram client's menu. The host registers these in DI; they are published with
/// <c>setMyCommands</c> at start-up, one call per <paramref name="LanguageCode"/> (null = every language).
/// </summary>
/// <param name="Command">1-32 characters of a-z, 0-9 and _, with or without the leading <c>/</c>.</param>
/// <param name="Description">1-256 characters.</param>
/// <param name="LanguageCode">A two-letter ISO 639-1 code, or null for the default list.</param>
public sealed record TelegramCommand(string Command, string Description, string? LanguageCode);
