using System.Security.Cryptography;
using System.Text;

namespace ChatFeedback.Bot.Conversations;

/// <summary>
/// The id a rendered question carries to the channel and back with a button press: short (it must fit in
/// Telegram's 64-byte callback data with the value), opaque, and the same every time the same question is asked.
/// </summary>
public static class QuestionKeys
{
    public const int Length = 11;

    /// <summary>8 bytes of SHA-256 over the flow and step, base64url: 11 characters, never a ':'.</summary>
    public static string For(string flowId, string stepId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{flowId}/{stepId}"), hash);
        return System.Buffers.Text.Base64Url.EncodeToString(hash[..8]);
    }
}
