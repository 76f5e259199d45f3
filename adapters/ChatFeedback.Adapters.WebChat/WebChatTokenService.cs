using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatFeedback.Adapters.WebChat;

/// <summary>
/// Issues and checks conversation tokens: the token is HMAC-SHA256 of the conversation id, so it needs no
/// storage and any instance with the same <see cref="WebChatOptions.SigningKey"/> can check it.
/// </summary>
public sealed class WebChatTokenService
{
    private const int MaxTokenLength = 128;
    private readonly byte[] _key;

    public WebChatTokenService(IOptions<WebChatOptions> options, ILogger<WebChatTokenService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var configured = options.Value.SigningKey;
        if (string.IsNullOrEmpty(configured))
        {
            _key = RandomNumberGenerator.GetBytes(32);
            logger.LogWarning(
                "{Key} is not set: web chat tokens use a random key for this process, so open web chats will not survive a restart and cannot be shared between instances",
                $"{WebChatOptions.SectionName}:SigningKey");
        }
        else
        {
            _key = Encoding.UTF8.GetBytes(configured);
        }
    }

    /// <summary>The token that proves access to <paramref name="conversationId"/>.</summary>
    public string Issue(string conversationId) => Base64Url.EncodeToString(Sign(conversationId));

    /// <summary>Whether <paramref name="token"/> was issued for <paramref name="conversationId"/>, compared in constant time.</summary>
    public bool IsValid(string conversationId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return false;
        }

        // IsValid first: TryDecodeFromChars throws, rather than answering false, on characters outside the alphabet.
        Span<byte> presented = stackalloc byte[MaxTokenLength];
        return Base64Url.IsValid(token)
            && Base64Url.TryDecodeFromChars(token, presented, out var written)
            && CryptographicOperations.FixedTimeEquals(presented[..written], Sign(conversationId));
    }

    private byte[] Sign(string conversationId) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(conversationId));
}
